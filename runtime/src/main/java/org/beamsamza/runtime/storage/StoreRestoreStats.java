package org.beamsamza.runtime.storage;

import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;

/**
 * What one changelog restore did when a task opened a logged store.
 *
 * @param storeName the store
 * @param taskName the task owning it
 * @param changelogPartition the partition replayed
 * @param mode {@link Mode#FULL} (whole partition: no local state, or local state not provably
 *     current), {@link Mode#DELTA} (records after the {@code OFFSET} file's offset) or {@link
 *     Mode#NONE} (the local store was already current)
 * @param startOffset offset restore started reading at ({@code null}: oldest retained, or nothing
 *     read)
 * @param endOffset newest changelog offset when the store was opened ({@code null}: empty
 *     partition)
 * @param records changelog records replayed into the store (tombstones included)
 * @param bytes key plus value bytes of those records
 * @param millis wall time of reading and applying them
 */
public record StoreRestoreStats(
    String storeName,
    TaskName taskName,
    SystemStreamPartition changelogPartition,
    Mode mode,
    String startOffset,
    String endOffset,
    long records,
    long bytes,
    long millis) {

  /** How much of the changelog a restore had to replay. */
  public enum Mode {
    FULL,
    DELTA,
    NONE
  }

  /** Restore throughput in MB/s (10^6 bytes), 0 when nothing was replayed. */
  public double megabytesPerSecond() {
    return millis <= 0 ? 0 : bytes / 1e6 / (millis / 1e3);
  }
}
