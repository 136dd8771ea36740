package org.beamsamza.runner.status;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.beamsamza.runtime.metrics.JobMetricsListener;
import org.beamsamza.runtime.metrics.ReadableMetricsRegistry;

/**
 * The registry each container last registered per source ({@code container}, {@code task <name>}).
 * The status page reads values from here rather than from the containers because it outlives them:
 * a restarted container registers fresh registries under the same names and replaces the old ones,
 * and the last values of a stopped container stay readable for the job's final state.
 */
public final class LatestRegistries implements JobMetricsListener {
  /** Source name of a container's own registry. */
  public static final String CONTAINER = "container";

  private final Map<String, Map<String, ReadableMetricsRegistry>> byContainer =
      new ConcurrentHashMap<>();

  /** Source name of a task's registry, as containers register it. */
  public static String taskSource(String taskName) {
    return "task " + taskName;
  }

  @Override
  public void register(String containerId, String source, ReadableMetricsRegistry registry) {
    byContainer.computeIfAbsent(containerId, c -> new ConcurrentHashMap<>()).put(source, registry);
  }

  /** Whether the container has registered anything yet (it has started at least once). */
  public boolean hasStarted(String containerId) {
    return byContainer.containsKey(containerId);
  }

  /** Current values by group and name of one source of one container; empty if not registered. */
  public Map<String, Map<String, Object>> values(String containerId, String source) {
    Map<String, ReadableMetricsRegistry> sources = byContainer.get(containerId);
    ReadableMetricsRegistry registry = sources == null ? null : sources.get(source);
    return registry == null ? Map.of() : registry.values();
  }
}
