package org.beamsamza.runtime.task;

/** Lets a task ask its container for a commit or to stop. */
public interface TaskCoordinator {
  enum RequestScope {
    /** Only the calling task. */
    CURRENT_TASK,
    /** Every task of the calling task's container. */
    ALL_TASKS_IN_CONTAINER
  }

  /** Asks for a commit soon after the current call returns. */
  void commit(RequestScope scope);

  /**
   * Declares the task finished: it will get no more messages or window calls. The container stops
   * (after a final commit) once every one of its tasks has asked to shut down.
   */
  void shutdown(RequestScope scope);
}
