package org.beamsamza.runtime.metrics;

/**
 * A system's consumer or producer with metrics of its own (a source's progress, a producer's time
 * blocked on a full buffer): the container hands it the container's registry right after making it,
 * before registering partitions or starting it.
 */
public interface MeteredComponent {
  void setMetricsRegistry(MetricsRegistry registry);
}
