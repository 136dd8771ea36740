package org.beamsamza.translation.metrics;

import org.apache.beam.sdk.metrics.MetricName;

/**
 * Metrics the runner reports about every step, next to the user's own, in the step's metrics
 * container (so they appear in {@code metrics()} and in pushed metrics, under the step's name).
 * Their names are Beam's system metric URNs, in a namespace no user metric uses.
 */
public final class SystemMetrics {
  public static final String NAMESPACE = "beam:system";

  /**
   * Elements the step emitted to its output PCollections (all outputs together), counted per
   * bundle.
   */
  public static final MetricName ELEMENTS_OUT =
      MetricName.named(NAMESPACE, "beam:metric:element_count:v1");

  private SystemMetrics() {}
}
