package org.beamsamza.kafka;

import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemProducer;

/**
 * The Kafka system: streams are topics, partitions are topic partitions, offsets are Kafka offsets
 * as decimal strings. Client settings come from the runtime config (see {@link KafkaClientConfig}):
 * at least {@code systems.<name>.bootstrap.servers}.
 */
public final class KafkaSystemFactory implements SystemFactory {
  @Override
  public SystemConsumer getConsumer(String systemName, Config config) {
    return new KafkaSystemConsumer(systemName, config);
  }

  @Override
  public SystemProducer getProducer(String systemName, Config config) {
    return new KafkaSystemProducer(systemName, config);
  }

  @Override
  public KafkaSystemAdmin getAdmin(String systemName, Config config) {
    return new KafkaSystemAdmin(systemName, config);
  }
}
