package org.beamsamza.runtime.task;

/** A task with resources to release when its container stops. */
public interface ClosableTask {
  void close() throws Exception;
}
