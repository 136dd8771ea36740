package org.beamsamza.translation.task;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.metrics.MetricsRegistryMap;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskContext;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;

/**
 * A {@link TaskContext} for unit tests of a task (what the container's {@code ContainerTaskContext}
 * gives): a task model owning the given partitions, empty config, no system admins, and an {@link
 * InMemoryKeyValueStore} per store name, created on first request (as the container opens a store
 * on its first {@code getStore}). It counts store requests.
 */
public final class FakeTaskContext implements TaskContext {
  private final TaskModel model;
  private final Map<String, InMemoryKeyValueStore> stores = new HashMap<>();
  private final MetricsRegistryMap metrics = new MetricsRegistryMap();
  private int storeRequests;

  public FakeTaskContext(
      String taskName,
      String stageId,
      int taskIndex,
      int stageTaskCount,
      Set<SystemStreamPartition> inputs) {
    this.model = new TaskModel(new TaskName(taskName), stageId, taskIndex, stageTaskCount, inputs);
  }

  @Override
  public TaskName getTaskName() {
    return model.getTaskName();
  }

  @Override
  public TaskModel getTaskModel() {
    return model;
  }

  @Override
  public Config getConfig() {
    return Config.empty();
  }

  @Override
  public String getContainerId() {
    return "test-container";
  }

  @Override
  public SystemAdmin getSystemAdmin(String systemName) {
    throw new UnsupportedOperationException("no system admins in a FakeTaskContext");
  }

  @Override
  public MetricsRegistryMap getMetricsRegistry() {
    return metrics;
  }

  @Override
  public Object getStore(String name) {
    storeRequests++;
    return stores.computeIfAbsent(name, n -> new InMemoryKeyValueStore());
  }

  /** How many times the task asked for a store (a stateless stage never does). */
  public int storeRequests() {
    return storeRequests;
  }

  /** The store named {@code name} if the task opened it, else null. */
  public InMemoryKeyValueStore store(String name) {
    return stores.get(name);
  }
}
