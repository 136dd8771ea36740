package org.beamsamza.runtime.job;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.beamsamza.runtime.task.TaskName;

/**
 * One task of the job: which stage it runs, its index within the stage (= the partition number it
 * reads of each partitioned input) and the partitions it consumes (its own partitions plus every
 * partition of its stage's broadcast inputs).
 */
public final class TaskModel {
  private final TaskName taskName;
  private final String stageId;
  private final int taskIndex;
  private final Set<org.beamsamza.runtime.system.SystemStreamPartition> inputs;

  public TaskModel(
      TaskName taskName,
      String stageId,
      int taskIndex,
      Set<org.beamsamza.runtime.system.SystemStreamPartition> inputs) {
    this.taskName = Objects.requireNonNull(taskName);
    this.stageId = Objects.requireNonNull(stageId);
    this.taskIndex = taskIndex;
    this.inputs = Collections.unmodifiableSet(new TreeSet<>(inputs));
  }

  public TaskName getTaskName() {
    return taskName;
  }

  public String getStageId() {
    return stageId;
  }

  public int getTaskIndex() {
    return taskIndex;
  }

  public Set<org.beamsamza.runtime.system.SystemStreamPartition> getInputs() {
    return inputs;
  }

  @Override
  public String toString() {
    return "TaskModel{" + taskName + ", inputs=" + inputs + "}";
  }
}
