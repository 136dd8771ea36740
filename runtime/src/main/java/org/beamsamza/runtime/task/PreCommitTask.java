package org.beamsamza.runtime.task;

/**
 * A task that buffers output (a Beam bundle, a partial combine) and must emit it before its
 * container commits: the container calls {@link #prepareCommit} on the run-loop thread, then
 * flushes producers and stores, then writes the checkpoint. That order is what makes a checkpoint
 * cover only work whose output is already durable (at-least-once).
 */
public interface PreCommitTask {
  void prepareCommit(MessageCollector collector, TaskCoordinator coordinator) throws Exception;
}
