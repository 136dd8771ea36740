package org.beamsamza.runner.local;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.metrics.MetricResults;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.metrics.JobProgress;
import org.beamsamza.runtime.local.ContainerRestartsExhaustedException;
import org.beamsamza.runtime.local.JobHandle;
import org.beamsamza.runtime.local.JobStatus;
import org.beamsamza.translation.metrics.JobMetrics;
import org.joda.time.Duration;

/**
 * A job running in this JVM: its state, its metrics (attempted, and committed as of each task's
 * last successful commit), waiting and cancelling.
 */
public final class LocalPipelineResult implements SamzaPipelineResult {
  private final JobHandle job;
  private final JobMetrics metrics;
  private final Integer statusPort;

  private final java.util.function.Supplier<JobProgress> progress;

  LocalPipelineResult(
      JobHandle job,
      JobMetrics metrics,
      java.util.function.Supplier<JobProgress> progress,
      Integer statusPort) {
    this.job = job;
    this.metrics = metrics;
    this.progress = progress;
    this.statusPort = statusPort;
  }

  /**
   * Where the job stands now (after it ended: where it ended): source records read, stages and
   * tasks finished, messages processed, watermark, per-step element counts.
   */
  public JobProgress progress() {
    return progress.get();
  }

  /**
   * The port the job's status page listens on while the job runs (the free one picked for {@code
   * --statusPort=0}), or null without {@code --statusPort}.
   */
  public Integer getStatusPort() {
    return statusPort;
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

  /**
   * Stops the job: containers stop without a final commit and their threads are interrupted.
   * Returns once they have stopped (CANCELLED), or once {@code --cancelGraceMs} has passed for user
   * code that ignores interrupts (CANCELLED; that thread is abandoned). A job that had already
   * ended keeps its state.
   *
   * @throws IllegalStateException if the calling thread is interrupted while waiting for the
   *     containers to stop (its interrupt flag stays set)
   */
  @Override
  public State cancel() {
    job.kill();
    try {
      job.waitForFinish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for the cancelled job to stop; it is " + getState(), e);
    }
    return getState();
  }

  /**
   * Waits at most {@code duration} (forever if null or not positive); returns null if the job is
   * still running then.
   *
   * @throws Pipeline.PipelineExecutionException if the job failed, with the user's exception as the
   *     cause
   * @throws IllegalStateException if the calling thread is interrupted while waiting (its interrupt
   *     flag stays set); the job keeps running
   */
  @Override
  public State waitUntilFinish(Duration duration) {
    JobStatus status;
    try {
      status =
          duration == null || duration.getMillis() <= 0
              ? job.waitForFinish()
              : job.waitForFinish(java.time.Duration.ofMillis(duration.getMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for the pipeline to finish; it is still " + getState(), e);
    }
    if (!status.isTerminal()) {
      return null;
    }
    if (status == JobStatus.FAILED) {
      Throwable failure = job.getFailure();
      Pipeline.PipelineExecutionException e =
          new Pipeline.PipelineExecutionException(SamzaPipelineResult.rootCause(failure));
      if (failure instanceof ContainerRestartsExhaustedException) {
        // The cause stays the user's exception; which container gave up after how many restarts
        // rides along (its own cause left out: it is that same exception).
        e.addSuppressed(new IllegalStateException(failure.getMessage()));
      }
      throw e;
    }
    return toState(status);
  }

  /**
   * Waits until the job ends.
   *
   * @throws Pipeline.PipelineExecutionException if the job failed
   * @throws IllegalStateException if the calling thread is interrupted (interrupt flag kept)
   */
  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  @Override
  public Map<String, Integer> getContainerRestarts() {
    return job.getContainerRestarts();
  }

  /**
   * Attempted values (everything reported, by every attempt) and committed values (as of each
   * task's last completed commit; for a job that ended DONE they are the final values).
   */
  @Override
  public MetricResults metrics() {
    return metrics.results();
  }
}
