package org.beamsamza.runtime.storage;

import java.util.Iterator;
import java.util.Map;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;

/**
 * One task's local store as the container sees it (Samza's {@code StorageEngine}): the container
 * opens it on the task's first {@link org.beamsamza.runtime.task.TaskContext#getStore} call,
 * replays its changelog partition into it, flushes it at every commit (after the task's {@code
 * prepareCommit}, before producers are flushed and the checkpoint is written, so that a checkpoint
 * never covers input whose state changes are not yet in the changelog) and stops it when the task
 * closes. What the task reads and writes is {@link #getStore()}; the container never looks inside.
 */
public interface StorageEngine {

  /** What the task gets from {@code TaskContext.getStore(name)}, e.g. a key-value store. */
  Object getStore();

  /**
   * Applies changelog records read at start-up, oldest first, before the task sees the store. Each
   * record's key and message are byte arrays as the store wrote them; a {@code null} message is a
   * tombstone (a delete).
   */
  void restore(Iterator<IncomingMessageEnvelope> changelogRecords);

  /**
   * Makes every write so far durable in the store and hands pending changelog records to the
   * changelog collector. Called on the run-loop thread at commit.
   */
  void flush();

  /**
   * Whether the store keeps its data in {@link StoreContext#storeDir()} across container restarts
   * (e.g. RocksDB), so that after a clean stop a restart need only replay the changelog records
   * written since (see {@link TaskStorageManager}). An in-memory store returns false and is always
   * restored from the whole changelog.
   */
  default boolean persistsAcrossRestarts() {
    return false;
  }

  /**
   * The store's own counts and sizes by name (e.g. {@code puts}, {@code approximate-bytes}), read
   * on the run-loop thread right after each {@link #flush}, for metrics; empty if it keeps none.
   */
  default Map<String, Long> metrics() {
    return Map.of();
  }

  /** Flushes and releases the store. Called once, at task close (clean or after a failure). */
  void stop();
}
