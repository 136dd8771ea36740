package org.beamsamza.runtime.metrics;

/**
 * Told of the registries of every container of a job (a local job's status page, which outlives its
 * containers and sees all of them, unlike a {@link MetricsReporter}, which one container makes and
 * stops). A restarted container registers its new registries under the same names.
 */
public interface JobMetricsListener {
  /**
   * @param source {@code container} or {@code task <name>}, as for reporters
   */
  void register(String containerId, String source, ReadableMetricsRegistry registry);
}
