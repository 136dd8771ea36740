package org.beamsamza.runtime.container;

import org.beamsamza.runtime.task.TaskName;

/**
 * Why a container stopped abnormally. Thrown from {@link SamzaContainer#run()} with the original
 * failure as its cause, and names the container and (when a task failed) the task and the call, so
 * that a job failure reported far away still says where it happened.
 */
public class ContainerException extends RuntimeException {
  private final String containerId;
  private final TaskName taskName;

  public ContainerException(
      String containerId, TaskName taskName, String message, Throwable cause) {
    super(message, cause);
    this.containerId = containerId;
    this.taskName = taskName;
  }

  public String getContainerId() {
    return containerId;
  }

  /** The failed task, or null if the failure was not in a task (e.g. a system or a commit). */
  public TaskName getTaskName() {
    return taskName;
  }
}
