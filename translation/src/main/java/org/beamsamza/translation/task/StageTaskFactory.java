package org.beamsamza.translation.task;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.SerializableUtils;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.StreamTaskFactory;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.StagePlan;

/**
 * Creates a stage task from the serialized plan. Deserializing per task is deliberate: every task
 * gets its own instances of the user's DoFns, coders and CombineFns, exactly as a container on
 * another machine would. Only the task's own stage is deserialized per task, though: the plan is
 * split once per factory into one serialized copy per stage, and the pipeline options (read-only)
 * are deserialized once and shared; a wide job's thousands of tasks otherwise spent their start-up
 * deserializing every other stage and parsing the options again.
 */
public final class StageTaskFactory implements StreamTaskFactory {
  private final byte[] serializedPlan;
  private final JobMetrics metrics;
  private final StageTask.Systems systems;
  private final int bundleSize;
  private final ProcessingClock clock;

  public StageTaskFactory(
      byte[] serializedPlan, JobMetrics metrics, StageTask.Systems systems, int bundleSize) {
    this(serializedPlan, metrics, systems, bundleSize, ProcessingClock.SYSTEM);
  }

  /** As above, with the clock every task reads processing time from. */
  public StageTaskFactory(
      byte[] serializedPlan,
      JobMetrics metrics,
      StageTask.Systems systems,
      int bundleSize,
      ProcessingClock clock) {
    this.serializedPlan = serializedPlan;
    this.metrics = metrics;
    this.systems = systems;
    this.bundleSize = bundleSize;
    this.clock = clock;
  }

  /** Each stage of the plan, serialized on its own; filled on the first task. */
  private Map<String, byte[]> stages;

  private PipelineOptions options;

  private synchronized Map<String, byte[]> stages() {
    if (stages == null) {
      ExecutionPlan plan =
          (ExecutionPlan)
              SerializableUtils.deserializeFromByteArray(serializedPlan, "execution plan");
      Map<String, byte[]> split = new HashMap<>();
      for (StagePlan stage : plan.stages()) {
        split.put(stage.id(), SerializableUtils.serializeToByteArray(stage));
      }
      options = plan.options().get();
      stages = split;
    }
    return stages;
  }

  @Override
  public StreamTask createTask(TaskModel model) {
    byte[] stageBytes = stages().get(model.getStageId());
    if (stageBytes == null) {
      throw new IllegalArgumentException(
          "Task " + model.getTaskName() + ": the plan has no stage " + model.getStageId());
    }
    StagePlan stage =
        (StagePlan)
            SerializableUtils.deserializeFromByteArray(
                stageBytes, "stage " + model.getStageId() + " of the execution plan");
    JobMetrics.TaskMetrics taskMetrics = metrics.startAttempt(model.getTaskName().toString());
    return new StageTask(
        stage, options, taskMetrics.live(), systems, bundleSize, clock, taskMetrics::commit);
  }
}
