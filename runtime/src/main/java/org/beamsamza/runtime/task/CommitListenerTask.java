package org.beamsamza.runtime.task;

/**
 * A task told when a commit covering everything it has done so far is complete: its outputs and
 * stores are flushed and its checkpoint is written, so none of that work will be replayed. What
 * must happen only once work is durable hangs here (committed metrics, bundle-finalization
 * callbacks).
 */
public interface CommitListenerTask {
  void onCommitted() throws Exception;
}
