package org.beamsamza.runtime.checkpoint;

import org.beamsamza.runtime.task.TaskName;

/** Stores each task's last checkpoint (in memory locally; a Kafka topic across machines). */
public interface CheckpointManager {
  default void start() {}

  /** The task's last checkpoint, or null if it never committed. */
  Checkpoint readLastCheckpoint(TaskName task);

  void writeCheckpoint(TaskName task, Checkpoint checkpoint);

  default void stop() {}
}
