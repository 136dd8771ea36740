package org.beamsamza.runtime.metrics;

import java.util.function.Supplier;

/**
 * Where a task or a container creates its metrics, as in Samza: each metric has a group (what it
 * measures, e.g. {@code container} or {@code task}) and a name unique in that group. Creating a
 * metric that exists returns the existing one, so a restarted component finds its counters.
 */
public interface MetricsRegistry {
  Counter newCounter(String group, String name);

  /** A value read when it is reported, from a reporter's thread: {@code value} must allow that. */
  <T> Gauge<T> newGauge(String group, String name, Supplier<T> value);

  Timer newTimer(String group, String name);
}
