package org.beamsamza.runtime.checkpoint;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.beamsamza.runtime.task.TaskName;

/**
 * Checkpoints kept in this JVM. All containers of a local job share one instance (they commit from
 * their own threads), and reusing the instance for a restarted container is how a local restart
 * resumes where the last commit left off. Nothing survives the JVM.
 */
public final class InMemoryCheckpointManager implements CheckpointManager {
  private final Map<TaskName, Checkpoint> checkpoints = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();

  @Override
  public Checkpoint readLastCheckpoint(TaskName task) {
    return checkpoints.get(Objects.requireNonNull(task, "task"));
  }

  @Override
  public void writeCheckpoint(TaskName task, Checkpoint checkpoint) {
    checkpoints.put(
        Objects.requireNonNull(task, "task"), Objects.requireNonNull(checkpoint, "checkpoint"));
    writes.incrementAndGet();
  }

  /** A snapshot of the last checkpoint of every task that ever committed. */
  public Map<TaskName, Checkpoint> getCheckpoints() {
    return Map.copyOf(checkpoints);
  }

  /** How many checkpoints were written, for tests and metrics. */
  public long getWriteCount() {
    return writes.get();
  }
}
