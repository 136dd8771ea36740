package org.beamsamza.runtime.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The registry of one source (a container or a task): metrics by group and name, mirrored into a
 * Dropwizard registry that Dropwizard's reporters (JMX) read. Creating is synchronized; reading a
 * metric's value needs no lock.
 */
public final class MetricsRegistryMap implements MetricsRegistry, ReadableMetricsRegistry {
  private final Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
  private final com.codahale.metrics.MetricRegistry dropwizard =
      new com.codahale.metrics.MetricRegistry();

  @Override
  public Counter newCounter(String group, String name) {
    return add(group, name, Counter.class, Counter::new, c -> c.counter);
  }

  @Override
  public <T> Gauge<T> newGauge(String group, String name, Supplier<T> value) {
    Objects.requireNonNull(value, "value");
    @SuppressWarnings("unchecked")
    Gauge<T> gauge = add(group, name, Gauge.class, () -> new Gauge<>(value), g -> g);
    return gauge;
  }

  @Override
  public Timer newTimer(String group, String name) {
    return add(group, name, Timer.class, Timer::new, t -> t.timer);
  }

  private synchronized <M> M add(
      String group,
      String name,
      Class<M> type,
      Supplier<M> create,
      java.util.function.Function<M, com.codahale.metrics.Metric> underlying) {
    Map<String, Object> metrics = groups.computeIfAbsent(group, g -> new LinkedHashMap<>());
    Object existing = metrics.get(name);
    if (existing != null) {
      if (!type.isInstance(existing)) {
        throw new IllegalArgumentException(
            "Metric "
                + group
                + "/"
                + name
                + " exists as a "
                + existing.getClass().getSimpleName()
                + ", not a "
                + type.getSimpleName());
      }
      return type.cast(existing);
    }
    M metric = create.get();
    metrics.put(name, metric);
    dropwizard.register(group + "." + name, underlying.apply(metric));
    return metric;
  }

  @Override
  public synchronized Map<String, Map<String, Object>> metrics() {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    groups.forEach((g, m) -> copy.put(g, new LinkedHashMap<>(m)));
    return copy;
  }

  @Override
  public Map<String, Map<String, Object>> values() {
    Map<String, Map<String, Object>> values = new LinkedHashMap<>();
    metrics()
        .forEach(
            (group, metrics) -> {
              Map<String, Object> v = new LinkedHashMap<>();
              metrics.forEach((name, metric) -> v.put(name, valueOf(metric)));
              values.put(group, v);
            });
    return values;
  }

  static Object valueOf(Object metric) {
    if (metric instanceof Counter c) {
      return c.getCount();
    }
    if (metric instanceof Timer t) {
      return t.summary();
    }
    try {
      return ((Gauge<?>) metric).getValue();
    } catch (RuntimeException e) {
      return null; // a gauge over something already closed: report nothing rather than fail
    }
  }

  @Override
  public com.codahale.metrics.MetricRegistry dropwizard() {
    return dropwizard;
  }

  @Override
  public String toString() {
    return values().toString();
  }
}
