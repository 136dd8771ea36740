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
  private final int stageTaskCount;
  private final Set<org.beamsamza.runtime.system.SystemStreamPartition> inputs;

  /** A task whose stage's task count is unknown (0); enough for tasks without logged stores. */
  public TaskModel(
      TaskName taskName,
      String stageId,
      int taskIndex,
      Set<org.beamsamza.runtime.system.SystemStreamPartition> inputs) {
    this(taskName, stageId, taskIndex, 0, inputs);
  }

  /**
   * @param stageTaskCount how many tasks the stage has (what {@link JobModelPlanner} planned), i.e.
   *     the partition count of the stage's changelog streams; 0 when unknown
   */
  public TaskModel(
      TaskName taskName,
      String stageId,
      int taskIndex,
      int stageTaskCount,
      Set<org.beamsamza.runtime.system.SystemStreamPartition> inputs) {
    this.taskName = Objects.requireNonNull(taskName);
    this.stageId = Objects.requireNonNull(stageId);
    if (stageTaskCount < 0
        || (stageTaskCount > 0 && (taskIndex < 0 || taskIndex >= stageTaskCount))) {
      throw new IllegalArgumentException(
          "Task "
              + taskName
              + ": index "
              + taskIndex
              + " is outside its stage's "
              + stageTaskCount
              + " tasks");
    }
    this.taskIndex = taskIndex;
    this.stageTaskCount = stageTaskCount;
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

  /**
   * Number of tasks of this task's stage (= partitions of each changelog stream of the stage), or 0
   * when the model was built without it.
   */
  public int getStageTaskCount() {
    return stageTaskCount;
  }

  public Set<org.beamsamza.runtime.system.SystemStreamPartition> getInputs() {
    return inputs;
  }

  @Override
  public String toString() {
    return "TaskModel{" + taskName + ", inputs=" + inputs + "}";
  }
}
