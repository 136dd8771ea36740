package org.beamsamza.translation.metrics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.metrics.DistributionData;
import org.apache.beam.runners.core.metrics.MetricUpdates;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.MetricKey;
import org.apache.beam.sdk.metrics.MetricName;
import org.beamsamza.runtime.metrics.MetricsRegistry;

/**
 * Puts a task's Beam user metrics into its runtime registry (group {@value #GROUP}, named {@code
 * <step>:<namespace>:<name>}), so that JMX, the snapshot stream and the status page show them next
 * to the runtime's own. Beam's metric names are only known once a DoFn first uses them, so the task
 * calls {@link #sync} on its window tick and each new name gets a gauge over its cell (cells are
 * safe to read from a reporter's thread). Runner metrics in Beam's system namespace are left out:
 * the {@code step} group counts elements already.
 */
public final class UserMetricsExport {
  public static final String GROUP = "user";

  private final List<Map.Entry<String, MetricsContainerImpl>> steps;
  private final MetricsRegistry registry;
  private final Set<MetricKey> exported = new HashSet<>();

  /**
   * @param steps each step's name and its metrics container in this task
   */
  public UserMetricsExport(
      List<Map.Entry<String, MetricsContainerImpl>> steps, MetricsRegistry registry) {
    this.steps = steps;
    this.registry = registry;
  }

  /** Registers a gauge for every metric first used since the last call. */
  public void sync() {
    for (Map.Entry<String, MetricsContainerImpl> step : steps) {
      MetricsContainerImpl container = step.getValue();
      MetricUpdates updates = container.getCumulative();
      for (MetricUpdates.MetricUpdate<Long> c : updates.counterUpdates()) {
        MetricName name = c.getKey().metricName();
        if (isUser(name) && exported.add(c.getKey())) {
          registry.newGauge(
              GROUP, key(step.getKey(), name), () -> container.getCounter(name).getCumulative());
        }
      }
      for (MetricUpdates.MetricUpdate<DistributionData> d : updates.distributionUpdates()) {
        MetricName name = d.getKey().metricName();
        if (isUser(name) && exported.add(d.getKey())) {
          registry.newGauge(
              GROUP,
              key(step.getKey(), name),
              () -> distribution(container.getDistribution(name).getCumulative()));
        }
      }
      for (MetricUpdates.MetricUpdate<?> g : updates.gaugeUpdates()) {
        MetricName name = g.getKey().metricName();
        if (isUser(name) && exported.add(g.getKey())) {
          registry.newGauge(
              GROUP,
              key(step.getKey(), name),
              () -> container.getGauge(name).getCumulative().value());
        }
      }
    }
  }

  private static boolean isUser(MetricName name) {
    return !name.getNamespace().equals(SystemMetrics.NAMESPACE);
  }

  private static String key(String step, MetricName name) {
    return step + ":" + name.getNamespace() + ":" + name.getName();
  }

  private static Map<String, Object> distribution(DistributionData d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", d.count());
    m.put("sum", d.sum());
    m.put("min", d.count() == 0 ? null : d.min());
    m.put("max", d.count() == 0 ? null : d.max());
    return m;
  }
}
