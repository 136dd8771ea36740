package org.beamsamza.translation.task;

import org.apache.beam.sdk.util.SerializableUtils;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.StreamTaskFactory;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;

/**
 * Creates a stage task from the serialized plan. Deserializing per task is deliberate: every task
 * gets its own instances of the user's DoFns, coders and CombineFns, exactly as a container on
 * another machine would.
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

  @Override
  public StreamTask createTask(TaskModel model) {
    ExecutionPlan plan =
        (ExecutionPlan)
            SerializableUtils.deserializeFromByteArray(serializedPlan, "execution plan");
    JobMetrics.TaskMetrics taskMetrics = metrics.startAttempt(model.getTaskName().toString());
    return new StageTask(
        plan.stage(model.getStageId()),
        plan.options().get(),
        taskMetrics.live(),
        systems,
        bundleSize,
        clock,
        taskMetrics::commit);
  }
}
