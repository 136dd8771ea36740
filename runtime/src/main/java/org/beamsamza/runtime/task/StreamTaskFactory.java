package org.beamsamza.runtime.task;

import org.beamsamza.runtime.job.TaskModel;

/**
 * Creates the task instance for a task of the job model (called once per task per container start).
 */
@FunctionalInterface
public interface StreamTaskFactory {
  StreamTask createTask(TaskModel model);
}
