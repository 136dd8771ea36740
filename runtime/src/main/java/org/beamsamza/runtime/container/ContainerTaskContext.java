package org.beamsamza.runtime.container;

import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.metrics.MetricsRegistry;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.task.TaskContext;
import org.beamsamza.runtime.task.TaskName;

/** What a task sees of its container at init. */
final class ContainerTaskContext implements TaskContext {
  private final TaskModel model;
  private final Config config;
  private final String containerId;
  private final ContainerSystems systems;
  private final TaskStorageManager stores;
  private final MetricsRegistry metrics;

  ContainerTaskContext(
      TaskModel model,
      Config config,
      String containerId,
      ContainerSystems systems,
      TaskStorageManager stores,
      MetricsRegistry metrics) {
    this.stores = stores;
    this.metrics = metrics;
    this.model = model;
    this.config = config;
    this.containerId = containerId;
    this.systems = systems;
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
    return config;
  }

  @Override
  public String getContainerId() {
    return containerId;
  }

  @Override
  public SystemAdmin getSystemAdmin(String systemName) {
    return systems.admin(systemName);
  }

  @Override
  public Object getStore(String name) {
    return stores.getStore(name);
  }

  @Override
  public MetricsRegistry getMetricsRegistry() {
    return metrics;
  }
}
