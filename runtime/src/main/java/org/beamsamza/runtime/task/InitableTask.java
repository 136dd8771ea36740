package org.beamsamza.runtime.task;

/** A task that needs its context before the first message. */
public interface InitableTask {
  void init(TaskContext context) throws Exception;
}
