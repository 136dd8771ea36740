package org.beamsamza.runtime.task;

/** A task called every {@code task.window.ms} on the run-loop thread (processing-time work). */
public interface WindowableTask {
  void window(MessageCollector collector, TaskCoordinator coordinator) throws Exception;
}
