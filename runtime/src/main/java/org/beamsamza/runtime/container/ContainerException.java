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
  private final boolean afterProcessing;

  public ContainerException(
      String containerId, TaskName taskName, String message, Throwable cause) {
    this(containerId, taskName, message, cause, false);
  }

  /**
   * @param afterProcessing the container had finished all its work and made its final commit before
   *     this failure (it happened while closing tasks or stores), so no input was lost and the rest
   *     of the job need not be stopped for it
   */
  public ContainerException(
      String containerId,
      TaskName taskName,
      String message,
      Throwable cause,
      boolean afterProcessing) {
    super(message, cause);
    this.containerId = containerId;
    this.taskName = taskName;
    this.afterProcessing = afterProcessing;
  }

  /** Whether the container failed only after finishing and committing all of its work. */
  public boolean isAfterProcessing() {
    return afterProcessing;
  }

  public String getContainerId() {
    return containerId;
  }

  /** The failed task, or null if the failure was not in a task (e.g. a system or a commit). */
  public TaskName getTaskName() {
    return taskName;
  }
}
