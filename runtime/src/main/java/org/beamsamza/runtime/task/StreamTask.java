package org.beamsamza.runtime.task;

import org.beamsamza.runtime.system.IncomingMessageEnvelope;

/**
 * The unit of processing: one instance per task, called on the container's single run-loop thread
 * for every message of the partitions the task owns. Optional capabilities are separate interfaces
 * ({@link InitableTask}, {@link WindowableTask}, {@link PreCommitTask}, {@link
 * EndOfStreamListenerTask}, {@link ClosableTask}), as in Samza.
 *
 * <p>An exception thrown from any task method fails the container, and with it the job.
 */
public interface StreamTask {
  void process(
      IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator)
      throws Exception;
}
