package org.beamsamza.runner.status;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.metrics.JobValues;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.translation.plan.ExecutionPlan;

/**
 * The status of a local job as plain maps and lists (what {@code /status.json} serves and the page
 * draws): the job, its graph (stages with their fused steps, parallelism and totals over their
 * tasks; streams as edges), per-step element counts, containers, tasks and failures. Built afresh
 * per request from the plan and job model (fixed for the run) and the job's metric values (a local
 * job's registries, or what a YARN job's containers reported to its ApplicationMaster).
 */
public final class StatusModel {
  /** Longest stack trace served: a deep recursion must not make the page megabytes long. */
  public static final int MAX_STACK_TRACE_CHARS = 20_000;

  private final String jobName;
  private final String jobId;
  private final String host;
  private final ExecutionPlan plan;
  private final JobModel jobModel;
  private final Supplier<JobValues> values;
  private final Throughput throughput = new Throughput();
  private volatile JobCondition condition = JobCondition.STARTING;

  public StatusModel(
      String jobName,
      String jobId,
      String host,
      ExecutionPlan plan,
      JobModel jobModel,
      Supplier<JobValues> values) {
    this.jobName = jobName;
    this.jobId = jobId;
    this.host = host;
    this.plan = plan;
    this.jobModel = jobModel;
    this.values = values;
  }

  /** From now on the job's state, failure and restarts come from {@code condition}. */
  public void follow(JobCondition condition) {
    this.condition = condition;
  }

  public Map<String, Object> build() {
    return build(System.nanoTime(), System.currentTimeMillis());
  }

  /**
   * @param nanos a monotonic clock's reading, for message rates
   * @param epochMillis the wall clock's, shown as the time of the status
   */
  Map<String, Object> build(long nanos, long epochMillis) {
    JobCondition job = condition;
    JobValues now = values.get();
    List<TaskRows.Row> tasks = TaskRows.rows(jobModel, now, throughput, nanos);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("job", job(job, epochMillis));
    Map<String, Object> graph = new LinkedHashMap<>();
    graph.put("stages", stages(tasks));
    graph.put("edges", GraphModel.edges(plan));
    model.put("graph", graph);
    model.put("transforms", transforms(tasks));
    model.put("containers", containers(job, now));
    model.put("tasks", tasks.stream().map(TaskRows.Row::json).toList());
    model.put("failures", job.failures());
    return model;
  }

  private Map<String, Object> job(JobCondition job, long epochMillis) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", jobName);
    m.put("id", jobId);
    m.put("state", job.state());
    m.put("host", host);
    m.put("time", epochMillis);
    return m;
  }

  /** The plan's stages, each with totals over its tasks' rows. */
  private List<Map<String, Object>> stages(List<TaskRows.Row> tasks) {
    List<Map<String, Object>> stages = GraphModel.stages(plan);
    for (Map<String, Object> stage : stages) {
      Long processed = null;
      Double rate = null;
      Long lag = null;
      Long inputWatermark = null;
      Long outputWatermark = null;
      Long stateBytes = null;
      for (TaskRows.Row task : tasks) {
        if (task.stage().equals(stage.get("id"))) {
          processed = Values.plus(processed, Values.asLong(task.get("processed")));
          rate = Values.plus(rate, Values.asDouble(task.get("throughput")));
          lag = Values.plus(lag, Values.asLong(task.get("lag")));
          inputWatermark = Values.min(inputWatermark, Values.asLong(task.get("inputWatermark")));
          outputWatermark = Values.min(outputWatermark, Values.asLong(task.get("outputWatermark")));
          stateBytes = Values.plus(stateBytes, Values.asLong(task.get("stateBytes")));
        }
      }
      stage.put("processed", processed);
      stage.put("throughput", Values.rounded(rate));
      stage.put("lag", lag);
      stage.put("inputWatermark", inputWatermark);
      stage.put("outputWatermark", outputWatermark);
      stage.put("stateBytes", stateBytes);
    }
    return stages;
  }

  /** Each step's elements in and out, summed over its stage's tasks. */
  private List<Map<String, Object>> transforms(List<TaskRows.Row> tasks) {
    List<Map<String, Object>> transforms = new ArrayList<>();
    for (Map<String, Object> stage : GraphModel.stages(plan)) {
      @SuppressWarnings("unchecked")
      List<String> steps = (List<String>) stage.get("transforms");
      for (String step : steps) {
        Long in = null;
        Long out = null;
        for (TaskRows.Row task : tasks) {
          if (task.stage().equals(stage.get("id"))) {
            in = Values.plus(in, Values.asLong(task.steps().get(step + ":elements-in")));
            out = Values.plus(out, Values.asLong(task.steps().get(step + ":elements-out")));
          }
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("step", step);
        t.put("stage", stage.get("id"));
        t.put("elementsIn", in);
        t.put("elementsOut", out);
        transforms.add(t);
      }
    }
    return transforms;
  }

  private List<Map<String, Object>> containers(JobCondition job, JobValues now) {
    Map<String, Integer> restarts = job.restarts();
    List<Map<String, Object>> containers = new ArrayList<>();
    for (ContainerModel container : jobModel.getContainers().values()) {
      String id = container.getContainerId();
      Map<String, Map<String, Map<String, Object>>> sources =
          now.byContainer().getOrDefault(id, Map.of());
      Map<String, Object> values =
          sources.getOrDefault("container", Map.of()).getOrDefault("container", Map.of());
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", id);
      // Null (shown "-") for a container not placed yet: on YARN the page's own host is the AM's.
      c.put("host", job.host(id));
      c.put("tasks", container.getTasks().keySet().stream().map(TaskName::getName).toList());
      c.put("started", !sources.isEmpty());
      c.put("restarts", restarts.getOrDefault(id, 0));
      c.put("processed", Values.asLong(values.get("messages-processed")));
      c.put("sent", Values.asLong(values.get("messages-sent")));
      c.put("commits", Values.asLong(values.get("commit-calls")));
      c.put("processNs", values.get("process-ns"));
      containers.add(c);
    }
    return containers;
  }

  /** One failure as a list (none for null), without a time: see {@link #failure}. */
  static List<Map<String, Object>> failures(Throwable failure) {
    return failure == null ? List.of() : List.of(failure(failure, null));
  }

  /** One failure: where (container, task), when (epoch ms, if known), the user's message, trace. */
  static Map<String, Object> failure(Throwable failure, Long epochMillis) {
    Map<String, Object> f = new LinkedHashMap<>();
    ContainerException where = failure instanceof ContainerException ce ? ce : null;
    f.put("container", where == null ? null : where.getContainerId());
    f.put(
        "task",
        where == null || where.getTaskName() == null ? null : where.getTaskName().getName());
    f.put("message", SamzaPipelineResult.rootCause(failure).toString());
    f.put("stackTrace", stackTrace(failure));
    f.put("time", epochMillis);
    return f;
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    String trace = out.toString();
    return trace.length() <= MAX_STACK_TRACE_CHARS
        ? trace
        : trace.substring(0, MAX_STACK_TRACE_CHARS) + "\n... (cut)";
  }
}
