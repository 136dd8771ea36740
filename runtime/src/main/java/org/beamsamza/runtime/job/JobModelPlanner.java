package org.beamsamza.runtime.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;

/**
 * Turns stages into tasks and tasks into containers. Deterministic, so that every container of a
 * job (and every restart) derives the same task names and partition assignment from the same
 * stages: task names key checkpoints and state, so they must not move between runs.
 */
public final class JobModelPlanner {
  private JobModelPlanner() {}

  /**
   * Plans the job. Stage S gets {@link StageSpec#getTaskCount()} tasks named {@code S-i}; task i
   * reads partition i of every partitioned input that has more than i partitions, plus every
   * partition of every broadcast input. Tasks are dealt round robin, stage by stage in list order
   * and by task index, to containers "0".."n-1" (fewer containers if there are fewer tasks).
   */
  public static JobModel plan(List<StageSpec> stages, int containerCount) {
    validate(stages, containerCount);
    List<TaskModel> tasks = new ArrayList<>();
    for (StageSpec stage : stages) {
      for (int i = 0; i < stage.getTaskCount(); i++) {
        tasks.add(task(stage, i));
      }
    }
    int containers = Math.min(containerCount, tasks.size());
    List<Map<TaskName, TaskModel>> assigned = new ArrayList<>();
    for (int c = 0; c < containers; c++) {
      assigned.add(new LinkedHashMap<>());
    }
    Set<TaskName> names = new HashSet<>();
    for (int t = 0; t < tasks.size(); t++) {
      TaskModel task = tasks.get(t);
      if (!names.add(task.getTaskName())) {
        throw new IllegalArgumentException("Two tasks would both be named " + task.getTaskName());
      }
      assigned.get(t % containers).put(task.getTaskName(), task);
    }
    Map<String, ContainerModel> models = new TreeMap<>();
    for (int c = 0; c < containers; c++) {
      String id = Integer.toString(c);
      models.put(id, new ContainerModel(id, assigned.get(c)));
    }
    return new JobModel(models);
  }

  /**
   * The partitions that exactly one task of the whole job reads. Only these may be trimmed by the
   * container running that task after it commits; a partition with several readers (a broadcast
   * input, or a stream read by two stages) may still be needed by a reader elsewhere.
   */
  public static Set<SystemStreamPartition> singleReaderPartitions(JobModel jobModel) {
    Map<SystemStreamPartition, Integer> readers = new HashMap<>();
    for (ContainerModel container : jobModel.getContainers().values()) {
      for (TaskModel task : container.getTasks().values()) {
        for (SystemStreamPartition ssp : task.getInputs()) {
          readers.merge(ssp, 1, Integer::sum);
        }
      }
    }
    Set<SystemStreamPartition> single = new TreeSet<>();
    readers.forEach(
        (ssp, n) -> {
          if (n == 1) {
            single.add(ssp);
          }
        });
    return single;
  }

  private static TaskModel task(StageSpec stage, int index) {
    Set<SystemStreamPartition> inputs = new TreeSet<>();
    for (Map.Entry<SystemStream, Integer> in : stage.getPartitionedInputs().entrySet()) {
      if (in.getValue() > index) {
        inputs.add(in.getKey().partition(index));
      }
    }
    for (Map.Entry<SystemStream, Integer> in : stage.getBroadcastInputs().entrySet()) {
      for (int p = 0; p < in.getValue(); p++) {
        inputs.add(in.getKey().partition(p));
      }
    }
    String id = stage.getStageId();
    return new TaskModel(new TaskName(id + "-" + index), id, index, stage.getTaskCount(), inputs);
  }

  private static void validate(List<StageSpec> stages, int containerCount) {
    if (stages == null || stages.isEmpty()) {
      throw new IllegalArgumentException("A job needs at least one stage");
    }
    if (containerCount < 1) {
      throw new IllegalArgumentException(
          "containerCount must be at least 1, was " + containerCount);
    }
    Set<String> ids = new HashSet<>();
    for (StageSpec stage : stages) {
      if (stage == null) {
        throw new IllegalArgumentException("Null stage in " + stages);
      }
      if (!ids.add(stage.getStageId())) {
        throw new IllegalArgumentException("Two stages have the id " + stage.getStageId());
      }
      checkCounts(stage, stage.getPartitionedInputs(), "partitioned");
      checkCounts(stage, stage.getBroadcastInputs(), "broadcast");
      for (SystemStream s : stage.getBroadcastInputs().keySet()) {
        if (stage.getPartitionedInputs().containsKey(s)) {
          throw new IllegalArgumentException(
              "Stage " + stage.getStageId() + " reads " + s + " both partitioned and broadcast");
        }
      }
    }
  }

  private static void checkCounts(StageSpec stage, Map<SystemStream, Integer> inputs, String kind) {
    for (Map.Entry<SystemStream, Integer> in : inputs.entrySet()) {
      if (in.getKey() == null || in.getValue() == null || in.getValue() < 1) {
        throw new IllegalArgumentException(
            "Stage "
                + stage.getStageId()
                + " has "
                + kind
                + " input "
                + in.getKey()
                + " with partition count "
                + in.getValue()
                + "; it must be at least 1");
      }
    }
  }
}
