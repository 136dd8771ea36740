package org.beamsamza.runtime.metrics;

/**
 * Publishes registries somewhere (JMX, a stream, a status page), as Samza's reporters do. A
 * container registers its own registry and one per task, each under a source name ({@code
 * container}, {@code task <name>}), before it starts the reporters it made, and stops them when it
 * ends. A source registered again (a restarted container) replaces the older registry.
 */
public interface MetricsReporter {
  void register(String source, ReadableMetricsRegistry registry);

  void start();

  /** Stops reporting; a reporter that writes periodically writes once more first. */
  void stop();
}
