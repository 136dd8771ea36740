package org.beamsamza.runtime.job;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.beamsamza.runtime.task.TaskName;

/** The tasks one container runs on its single run-loop thread. */
public final class ContainerModel {
  private final String containerId;
  private final Map<TaskName, TaskModel> tasks;

  public ContainerModel(String containerId, Map<TaskName, TaskModel> tasks) {
    this.containerId = containerId;
    this.tasks = Collections.unmodifiableMap(new TreeMap<>(tasks));
  }

  public String getContainerId() {
    return containerId;
  }

  public Map<TaskName, TaskModel> getTasks() {
    return tasks;
  }

  @Override
  public String toString() {
    return "ContainerModel{" + containerId + ", tasks=" + tasks.keySet() + "}";
  }
}
