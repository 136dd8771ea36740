package org.beamsamza.runtime.container;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.metrics.MeteredComponent;
import org.beamsamza.runtime.storage.StoreSystems;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.task.MessageCollector;

/**
 * The container's systems: one consumer and at most one producer per system, made on first use, and
 * the collector every task sends through (routing by the envelope's system). Keeping a single
 * producer per system is what lets one flush per commit cover all tasks' output.
 */
final class ContainerSystems implements MessageCollector, StoreSystems {
  private final String containerId;
  private final Config config;
  private final Map<String, SystemFactory> factories;
  private final ContainerMetrics metrics;
  private final Map<String, SystemAdmin> admins = new ConcurrentHashMap<>();
  private final Map<String, SystemConsumer> consumers = new LinkedHashMap<>();
  private final Map<String, SystemProducer> producers = new LinkedHashMap<>();
  private boolean consumersStarted;
  private String lastSystem;
  private SystemProducer lastProducer;
  private long sent;

  /** The task the run loop is calling, whose output {@link #send} counts (null between calls). */
  TaskInstance sender;

  ContainerSystems(
      String containerId,
      Config config,
      Map<String, SystemFactory> factories,
      ContainerMetrics metrics) {
    this.containerId = containerId;
    this.config = config;
    this.factories = Map.copyOf(factories);
    this.metrics = metrics;
  }

  @Override
  public SystemAdmin admin(String system) {
    return admins.computeIfAbsent(system, s -> factory(s).getAdmin(s, config));
  }

  /** A consumer for one changelog restore, separate from the input consumers. */
  @Override
  public SystemConsumer newConsumer(String system) {
    return factory(system).getConsumer(system, config);
  }

  /** Sends changelog records to the container's producers without counting them as task output. */
  @Override
  public MessageCollector changelogCollector() {
    return envelope -> producer(envelope.getSystemStream().getSystem()).send(envelope);
  }

  SystemConsumer consumer(String system) {
    return consumers.computeIfAbsent(system, s -> metered(factory(s).getConsumer(s, config)));
  }

  void startConsumers() {
    consumersStarted = true;
    for (SystemConsumer c : consumers.values()) {
      c.start();
    }
  }

  @Override
  public void send(OutgoingMessageEnvelope envelope) {
    String system = envelope.getSystemStream().getSystem();
    SystemProducer p = lastProducer;
    if (!system.equals(lastSystem)) {
      p = producer(system);
      lastSystem = system;
      lastProducer = p;
    }
    p.send(envelope);
    metrics.setMessagesSent(++sent);
    TaskInstance t = sender;
    if (t != null) {
      t.sent++;
    }
  }

  private SystemProducer producer(String system) {
    SystemProducer p = producers.get(system);
    if (p == null) {
      p = metered(factory(system).getProducer(system, config));
      p.start();
      producers.put(system, p);
    }
    return p;
  }

  private <T> T metered(T component) {
    if (component instanceof MeteredComponent m) {
      m.setMetricsRegistry(metrics.getRegistry());
    }
    return component;
  }

  void flush() {
    for (SystemProducer p : producers.values()) {
      p.flush();
    }
  }

  /** Stops everything started, returning {@code failure} with any new failure added. */
  Throwable stop(Throwable failure) {
    if (consumersStarted) {
      for (SystemConsumer c : consumers.values()) {
        failure = attempt(c::stop, failure);
      }
    }
    for (SystemProducer p : producers.values()) {
      failure = attempt(p::stop, failure);
    }
    return failure;
  }

  private SystemFactory factory(String system) {
    SystemFactory f = factories.get(system);
    if (f == null) {
      throw new IllegalArgumentException(
          "Container "
              + containerId
              + " has no factory for system '"
              + system
              + "' (known: "
              + factories.keySet()
              + ")");
    }
    return f;
  }

  static Throwable attempt(Runnable action, Throwable failure) {
    try {
      action.run();
    } catch (Throwable t) {
      if (failure == null) {
        return t;
      }
      failure.addSuppressed(t);
    }
    return failure;
  }
}
