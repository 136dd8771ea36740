package org.beamsamza.runner.metrics;

import java.util.Map;
import java.util.function.BiConsumer;
import org.beamsamza.runtime.container.SamzaContainer;

/**
 * A job's metric values at one time: by container, source ({@code container} or {@code task
 * <name>}), group and name. Built from live registries (a local job) or from the containers'
 * reports (the YARN ApplicationMaster), and read the same way by progress lines and the status
 * page.
 */
public record JobValues(Map<String, Map<String, Map<String, Map<String, Object>>>> byContainer) {
  public static final String TASK_SOURCE_PREFIX = SamzaContainer.TASK_SOURCE_PREFIX;

  /** Each task's groups, by task name. */
  public void forEachTask(BiConsumer<String, Map<String, Map<String, Object>>> action) {
    byContainer
        .values()
        .forEach(
            sources ->
                sources.forEach(
                    (source, groups) -> {
                      if (source.startsWith(TASK_SOURCE_PREFIX)) {
                        action.accept(source.substring(TASK_SOURCE_PREFIX.length()), groups);
                      }
                    }));
  }

  /** Each container's own groups, by container id. */
  public void forEachContainer(BiConsumer<String, Map<String, Map<String, Object>>> action) {
    byContainer.forEach(
        (id, sources) -> {
          Map<String, Map<String, Object>> groups = sources.get(SamzaContainer.CONTAINER_SOURCE);
          if (groups != null) {
            action.accept(id, groups);
          }
        });
  }

  /** A number metric, or null if absent or not a number. */
  public static Long number(Map<String, Map<String, Object>> groups, String group, String name) {
    Map<String, Object> g = groups.get(group);
    Object v = g == null ? null : g.get(name);
    return v instanceof Number n ? n.longValue() : null;
  }
}
