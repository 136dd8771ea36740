package org.beamsamza.runner.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.TaskModel;
import org.joda.time.Instant;

/**
 * Where a job stands, computed from its metric values: source records read and, where the sources
 * know their size, the fraction of it; stages and tasks finished; messages processed; the least
 * output watermark of the stages still running. Pure: progress lines, the end summary and tests
 * read it.
 *
 * @param stageOfTask each task's stage, from the job model
 */
public record JobProgress(
    long recordsRead,
    Double fractionRead,
    int stagesFinished,
    int stages,
    int tasksFinished,
    int tasks,
    long messagesProcessed,
    Long watermarkMillis,
    Map<String, StageProgress> byStage,
    Map<String, long[]> stepElements) {

  /** One stage over its tasks: finished ones, messages processed, least output watermark. */
  public record StageProgress(int tasks, int finished, long processed, Long outputWatermark) {}

  /** The group and names {@code BoundedSourceSystem} reports its partitions' progress under. */
  static final String SOURCE_GROUP = "source";

  /** The progress of the job {@code job} models, from its metric values. */
  public static JobProgress of(JobValues values, JobModel job) {
    Map<String, String> stageOfTask = new java.util.LinkedHashMap<>();
    for (ContainerModel c : job.getContainers().values()) {
      for (TaskModel t : c.getTasks().values()) {
        stageOfTask.put(t.getTaskName().getName(), t.getStageId());
      }
    }
    return of(values, stageOfTask);
  }

  /**
   * @param stageOfTask each task's stage: tasks are counted from it, so one whose container has not
   *     started yet counts too
   */
  public static JobProgress of(JobValues values, Map<String, String> stageOfTask) {
    long[] read = {0};
    List<Double> fractions = new ArrayList<>();
    boolean[] unknownFraction = {false};
    values.forEachContainer(
        (id, groups) -> {
          Map<String, Object> sources = groups.getOrDefault(SOURCE_GROUP, Map.of());
          sources.forEach(
              (name, v) -> {
                if (name.endsWith("-records-read") && v instanceof Number n) {
                  read[0] += n.longValue();
                } else if (name.endsWith("-fraction-consumed")) {
                  if (v instanceof Number n) {
                    fractions.add(n.doubleValue());
                  } else {
                    unknownFraction[0] = true;
                  }
                }
              });
        });
    Double fraction =
        fractions.isEmpty() || unknownFraction[0]
            ? null
            : fractions.stream().mapToDouble(Double::doubleValue).average().orElse(0);

    Map<String, Integer> tasksPerStage = new TreeMap<>();
    stageOfTask.values().forEach(stage -> tasksPerStage.merge(stage, 1, Integer::sum));
    Map<String, Integer> finishedPerStage = new TreeMap<>();
    Map<String, long[]> processed = new TreeMap<>();
    Map<String, Long> watermarks = new TreeMap<>();
    Map<String, long[]> steps = new TreeMap<>(); // step -> {in, out}
    values.forEachTask(
        (task, groups) -> {
          String stage = stageOfTask.getOrDefault(task, "?");
          tasksPerStage.putIfAbsent(stage, 0);
          Object finished = groups.getOrDefault("task", Map.of()).get("finished");
          if (Boolean.TRUE.equals(finished)) {
            finishedPerStage.merge(stage, 1, Integer::sum);
          }
          Long p = JobValues.number(groups, "task", "messages-processed");
          processed.computeIfAbsent(stage, k -> new long[1])[0] += p == null ? 0 : p;
          Long w = JobValues.number(groups, "stage", "output-watermark");
          if (w != null && !Boolean.TRUE.equals(finished)) {
            watermarks.merge(stage, w, Math::min);
          }
          groups
              .getOrDefault("step", Map.of())
              .forEach(
                  (name, v) -> {
                    int colon = name.lastIndexOf(':');
                    if (colon < 0 || !(v instanceof Number n)) {
                      return;
                    }
                    long[] io = steps.computeIfAbsent(name.substring(0, colon), k -> new long[2]);
                    String kind = name.substring(colon + 1);
                    if (kind.equals("elements-in")) {
                      io[0] += n.longValue();
                    } else if (kind.equals("elements-out")) {
                      io[1] += n.longValue();
                    }
                  });
        });

    Map<String, StageProgress> byStage = new TreeMap<>();
    int stagesFinished = 0;
    int tasksFinished = 0;
    long total = 0;
    Long least = null;
    for (Map.Entry<String, Integer> e : tasksPerStage.entrySet()) {
      int tasks = e.getValue();
      int finished = finishedPerStage.getOrDefault(e.getKey(), 0);
      long p = processed.getOrDefault(e.getKey(), new long[1])[0];
      Long w = watermarks.get(e.getKey());
      byStage.put(e.getKey(), new StageProgress(tasks, finished, p, w));
      stagesFinished += tasks > 0 && finished >= tasks ? 1 : 0;
      tasksFinished += finished;
      total += p;
      if (w != null && (least == null || w < least)) {
        least = w;
      }
    }
    return new JobProgress(
        read[0],
        fraction,
        stagesFinished,
        byStage.size(),
        tasksFinished,
        stageOfTask.size(),
        total,
        least,
        byStage,
        steps);
  }

  /** One line for the log, e.g. "read 450,000 records (45% of about 1,000,000); ...". */
  public String line() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "read %,d source records", recordsRead));
    if (fractionRead != null && fractionRead > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              " (%.0f%% of about %,d)",
              fractionRead * 100,
              Math.round(recordsRead / fractionRead)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "; stages finished %d of %d (tasks %d of %d); %,d messages processed",
            stagesFinished,
            stages,
            tasksFinished,
            tasks,
            messagesProcessed));
    if (watermarkMillis != null) {
      b.append("; watermark ").append(watermark(watermarkMillis));
    }
    return b.toString();
  }

  /** As JSON-friendly values (the status page, the CLI's {@code status}). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("recordsRead", recordsRead);
    m.put("fractionRead", fractionRead);
    m.put("stagesFinished", stagesFinished);
    m.put("stages", stages);
    m.put("tasksFinished", tasksFinished);
    m.put("tasks", tasks);
    m.put("messagesProcessed", messagesProcessed);
    m.put("watermark", watermarkMillis == null ? null : watermark(watermarkMillis));
    m.put("line", line());
    Map<String, Object> stepsOut = new java.util.LinkedHashMap<>();
    stepElements.forEach(
        (step, io) -> stepsOut.put(step, Map.of("elementsIn", io[0], "elementsOut", io[1])));
    m.put("steps", stepsOut);
    return m;
  }

  /** The lines of the end-of-job summary: per stage, then per step. */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    lines.add(line());
    byStage.forEach(
        (stage, s) ->
            lines.add(
                String.format(
                    Locale.ROOT,
                    "  stage %s: %d task(s), %,d messages processed",
                    stage,
                    s.tasks(),
                    s.processed())));
    stepElements.forEach(
        (step, io) ->
            lines.add(
                String.format(
                    Locale.ROOT, "  step %s: %,d elements in, %,d out", step, io[0], io[1])));
    return lines;
  }

  /** Beam's minimum and maximum timestamps read better as words. */
  static String watermark(long millis) {
    if (millis
        <= org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()) {
      return "-inf";
    }
    if (millis
        >= org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()) {
      return "+inf";
    }
    return new Instant(millis).toString();
  }
}
