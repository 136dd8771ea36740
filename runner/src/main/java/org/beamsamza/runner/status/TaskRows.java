package org.beamsamza.runner.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.runner.metrics.JobValues;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * One row per task of the job model with what its registry says now: messages processed, their
 * rate, offset and lag per input partition, watermarks and state size. The structure comes from the
 * job model, not from the registries, so a task whose container has not started yet still has a row
 * (its values null, shown as "-").
 */
final class TaskRows {
  /** A task's row for JSON and its per-step counts (group {@code step}) for the stage totals. */
  record Row(String stage, Map<String, Object> json, Map<String, Object> steps) {
    Object get(String key) {
      return json.get(key);
    }
  }

  private TaskRows() {}

  static List<Row> rows(JobModel jobModel, JobValues values, Throughput throughput, long nanos) {
    List<Row> rows = new ArrayList<>();
    for (ContainerModel container : jobModel.getContainers().values()) {
      for (TaskModel task : container.getTasks().values()) {
        rows.add(row(container.getContainerId(), task, values, throughput, nanos));
      }
    }
    // By name, not by container: a stage's tasks read best next to each other.
    rows.sort(Comparator.comparing(r -> (String) r.get("name")));
    return rows;
  }

  private static Row row(
      String containerId, TaskModel task, JobValues job, Throughput throughput, long nanos) {
    String name = task.getTaskName().getName();
    Map<String, Map<String, Object>> values =
        job.byContainer()
            .getOrDefault(containerId, Map.of())
            .getOrDefault(JobValues.TASK_SOURCE_PREFIX + name, Map.of());
    Map<String, Object> counts = values.getOrDefault("task", Map.of());
    Map<String, Object> stage = values.getOrDefault("stage", Map.of());
    Long processed = Values.asLong(counts.get("messages-processed"));

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("stage", task.getStageId());
    json.put("container", containerId);
    List<Map<String, Object>> inputs = new ArrayList<>();
    Long lag = null;
    for (SystemStreamPartition ssp : task.getInputs()) {
      Map<String, Object> input = new LinkedHashMap<>();
      input.put("partition", ssp.toString());
      Object offset = counts.get(ssp + "-offset");
      input.put("offset", offset == null ? null : offset.toString());
      Long partitionLag = Values.asLong(counts.get(ssp + "-lag"));
      input.put("lag", partitionLag);
      lag = Values.plus(lag, partitionLag);
      inputs.add(input);
    }
    json.put("inputs", inputs);
    json.put("processed", processed);
    json.put(
        "throughput",
        processed == null ? null : Values.rounded(throughput.perSecond(name, processed, nanos)));
    json.put("lag", lag);
    json.put("inputWatermark", Values.asLong(stage.get("input-watermark")));
    json.put("outputWatermark", Values.asLong(stage.get("output-watermark")));
    json.put("stateBytes", Values.asLong(counts.get("store-bytes")));
    return new Row(task.getStageId(), json, values.getOrDefault("step", Map.of()));
  }
}
