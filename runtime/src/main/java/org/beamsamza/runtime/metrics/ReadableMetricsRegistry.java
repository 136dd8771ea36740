package org.beamsamza.runtime.metrics;

import java.util.Map;

/** What a reporter reads of a registry. Every method may be called from any thread. */
public interface ReadableMetricsRegistry {
  /**
   * Every metric's current value by group, then name, in creation order: a counter's count, a
   * gauge's value, a timer's {@link Timer#summary()}. A gauge that throws reads as null.
   */
  Map<String, Map<String, Object>> values();

  /** The metrics themselves ({@link Counter}, {@link Gauge} or {@link Timer}) by group and name. */
  Map<String, Map<String, Object>> metrics();

  /**
   * The same metrics in a Dropwizard registry under {@code group + "." + name}, for its reporters.
   */
  com.codahale.metrics.MetricRegistry dropwizard();
}
