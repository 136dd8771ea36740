package org.beamsamza.runtime.system.inmemory;

import java.util.Objects;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemProducer;

/**
 * The in-memory system, for jobs whose containers all run in this JVM. Every consumer, producer and
 * admin it makes works on the one {@link InMemoryStreams} given here, which is how containers
 * (threads) exchange data and how a test sees what a job wrote.
 */
public final class InMemorySystemFactory implements SystemFactory {
  private final InMemoryStreams streams;

  public InMemorySystemFactory(InMemoryStreams streams) {
    this.streams = Objects.requireNonNull(streams, "streams");
  }

  public InMemoryStreams getStreams() {
    return streams;
  }

  @Override
  public SystemConsumer getConsumer(String systemName, Config config) {
    return new InMemorySystemConsumer(streams, systemName);
  }

  @Override
  public SystemProducer getProducer(String systemName, Config config) {
    return new InMemorySystemProducer(streams);
  }

  @Override
  public SystemAdmin getAdmin(String systemName, Config config) {
    return new InMemorySystemAdmin(streams);
  }
}
