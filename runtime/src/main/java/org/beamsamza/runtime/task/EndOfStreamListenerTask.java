package org.beamsamza.runtime.task;

/**
 * A task told when every partition it owns has delivered its end-of-stream envelope (bounded system
 * partitions only; in-band control messages of intermediate streams are the task's own business).
 * Typically the task flushes and calls {@link TaskCoordinator#shutdown}; until it does, it keeps
 * getting window() calls. A task that does not implement this interface is finished by the
 * container as soon as all its partitions have ended.
 */
public interface EndOfStreamListenerTask {
  void onEndOfStream(MessageCollector collector, TaskCoordinator coordinator) throws Exception;
}
