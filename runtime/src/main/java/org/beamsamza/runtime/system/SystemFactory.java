package org.beamsamza.runtime.system;

import org.beamsamza.runtime.config.Config;

/** Creates the consumer, producer and admin of one named system. */
public interface SystemFactory {
  SystemConsumer getConsumer(String systemName, Config config);

  SystemProducer getProducer(String systemName, Config config);

  SystemAdmin getAdmin(String systemName, Config config);
}
