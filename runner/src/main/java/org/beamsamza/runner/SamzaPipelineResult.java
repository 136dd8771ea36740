package org.beamsamza.runner;

import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.util.UserCodeException;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.local.JobHandle;
import org.beamsamza.runtime.local.JobStatus;
import org.beamsamza.translation.source.BoundedSourceSystem;
import org.joda.time.Duration;

/** The running or finished job: its state, its attempted metrics, waiting and cancelling. */
public class SamzaPipelineResult implements PipelineResult {
  private final JobHandle job;
  private final MetricsContainerStepMap metrics;

  public SamzaPipelineResult(JobHandle job, MetricsContainerStepMap metrics) {
    this.job = job;
    this.metrics = metrics;
  }

  @Override
  public State getState() {
    return toState(job.getStatus());
  }

  private static State toState(JobStatus status) {
    switch (status) {
      case NEW:
      case RUNNING:
        return State.RUNNING;
      case SUCCEEDED:
        return State.DONE;
      case FAILED:
        return State.FAILED;
      case KILLED:
        return State.CANCELLED;
      default:
        return State.UNKNOWN;
    }
  }

  @Override
  public State cancel() {
    job.kill();
    // kill() only asks the containers to stop; report the state they stopped in.
    job.waitForFinish(java.time.Duration.ofSeconds(30));
    return getState();
  }

  /** Waits at most {@code duration}; returns null if the job is still running then. */
  @Override
  public State waitUntilFinish(Duration duration) {
    JobStatus status =
        duration == null || duration.getMillis() <= 0
            ? job.waitForFinish()
            : job.waitForFinish(java.time.Duration.ofMillis(duration.getMillis()));
    if (!status.isTerminal()) {
      return null;
    }
    if (status == JobStatus.FAILED) {
      throw new Pipeline.PipelineExecutionException(rootCause(job.getFailure()));
    }
    return toState(status);
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  @Override
  public MetricResults metrics() {
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(metrics);
  }

  /**
   * The user's own exception: strips the runtime's container wrapper, the source system's read
   * wrapper and Beam's UserCodeException, so that a pipeline failing in a DoFn or a source fails
   * with what that DoFn or source threw.
   */
  static Throwable rootCause(Throwable failure) {
    Throwable t = failure;
    while (t != null
        && t.getCause() != null
        && (t instanceof ContainerException
            || t instanceof UserCodeException
            || t instanceof BoundedSourceSystem.SourceReadException
            || (t.getClass() == RuntimeException.class
                && t.getMessage() != null
                && t.getMessage().equals(t.getCause().toString())))) {
      t = t.getCause();
    }
    return t;
  }
}
