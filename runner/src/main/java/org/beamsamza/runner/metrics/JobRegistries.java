package org.beamsamza.runner.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.beamsamza.runtime.metrics.JobMetricsListener;
import org.beamsamza.runtime.metrics.ReadableMetricsRegistry;

/**
 * The newest registry of every container and source of a local job (a restarted container's replace
 * its predecessor's), read as plain values for progress lines, the summary and the status page.
 */
public final class JobRegistries implements JobMetricsListener {
  private final Map<String, Map<String, ReadableMetricsRegistry>> byContainer = new TreeMap<>();

  @Override
  public synchronized void register(
      String containerId, String source, ReadableMetricsRegistry registry) {
    byContainer.computeIfAbsent(containerId, c -> new LinkedHashMap<>()).put(source, registry);
  }

  /** Values by container, source, group and name, read now. */
  public JobValues values() {
    Map<String, Map<String, ReadableMetricsRegistry>> copy = new LinkedHashMap<>();
    synchronized (this) {
      byContainer.forEach((c, sources) -> copy.put(c, new LinkedHashMap<>(sources)));
    }
    Map<String, Map<String, Map<String, Map<String, Object>>>> values = new LinkedHashMap<>();
    copy.forEach(
        (c, sources) -> {
          Map<String, Map<String, Map<String, Object>>> v = new LinkedHashMap<>();
          sources.forEach((source, registry) -> v.put(source, registry.values()));
          values.put(c, v);
        });
    return new JobValues(values);
  }
}
