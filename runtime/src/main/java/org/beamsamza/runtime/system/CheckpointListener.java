package org.beamsamza.runtime.system;

import java.util.Map;

/**
 * Optional capability of a {@link SystemConsumer} (as in Samza): told which offsets of its
 * partitions a commit has durably checkpointed, so that a source can release what it kept for
 * replay (acknowledge messages, finalize checkpoint marks). Called on the run-loop thread after the
 * checkpoints were written, and only for partitions whose committed offset moved since the last
 * call. Never called for work that was not committed (a killed or failed container stops before its
 * next commit).
 */
public interface CheckpointListener {
  /**
   * @param committedOffsets for each partition of this consumer that moved, the offset of the last
   *     message every reader of it has processed and checkpointed
   */
  void onCheckpoint(Map<SystemStreamPartition, String> committedOffsets);
}
