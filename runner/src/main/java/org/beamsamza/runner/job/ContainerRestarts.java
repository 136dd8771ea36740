package org.beamsamza.runner.job;

import java.time.Duration;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runtime.local.ContainerRestartPolicy;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.StagePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a job's failed containers are restarted in place, and within which limits. A restarted
 * container's tasks get back only what outlived the failed instance: the streams and checkpoints of
 * the job's system, and their stores as far as a changelog holds them. So a job is restarted only
 * where that is everything:
 *
 * <ul>
 *   <li>{@code --system=kafka}, or {@code --stateChangelog=true} on the in-memory system (whose
 *       streams, checkpoints and changelogs live on this JVM's heap and so outlive a container).
 *       The embedded default (in memory, no changelog) restarts nothing: a failure there is most
 *       likely user code failing the same way on the same input, and fails the job at once, as on
 *       the DirectRunner.
 *   <li>Every stage that holds state logs it to a changelog ({@code --stateChangelog=true}): keyed
 *       state (any stage fed by a keyed exchange) and main-input elements pushed back until their
 *       side inputs are ready (any stage reading side inputs; the side inputs themselves are read
 *       again whole by a restarted task). Otherwise a restarted task would carry on with empty
 *       state, or without elements whose offsets were checkpointed.
 *   <li>No TestStream: it releases events as the job goes quiescent and scripts one clock for the
 *       whole job, which a single restarted container cannot replay.
 * </ul>
 */
public final class ContainerRestarts {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRestarts.class);

  private ContainerRestarts() {}

  /** The policy for this job (never restarting if the job cannot be restarted), logged. */
  public static ContainerRestartPolicy forJob(SamzaPipelineOptions options, ExecutionPlan plan) {
    String whyNot = whyNot(options, plan);
    if (whyNot != null) {
      LOG.info("Job {}: failed containers are not restarted: {}", plan.jobName(), whyNot);
      return ContainerRestartPolicy.never();
    }
    String limits =
        "--containerRetryCount="
            + options.getContainerRetryCount()
            + " within --containerRetryWindowMs="
            + options.getContainerRetryWindowMs();
    ContainerRestartPolicy policy =
        new ContainerRestartPolicy(
            options.getContainerRetryCount(),
            Duration.ofMillis(options.getContainerRetryWindowMs()),
            Duration.ofMillis(options.getContainerRetryBackoffMs()),
            limits,
            System::nanoTime);
    LOG.info("Job {}: failed containers are restarted in place: {}", plan.jobName(), policy);
    return policy;
  }

  /** Why the job's containers cannot be restarted, or null if they can. */
  static String whyNot(SamzaPipelineOptions options, ExecutionPlan plan) {
    if (options.getContainerRetryCount() == 0) {
      return "--containerRetryCount=0";
    }
    boolean kafka = JobStreams.KAFKA.equals(options.getSystem());
    if (!kafka && !options.getStateChangelog()) {
      return "the job runs on the in-memory system without --stateChangelog=true (the embedded"
          + " default fails at the first failure)";
    }
    if (!plan.testStreams().isEmpty()) {
      return "the job reads a TestStream";
    }
    if (options.getStateChangelog()) {
      return null;
    }
    for (StagePlan stage : plan.stages()) {
      if (!stage.keyedInputs().isEmpty()) {
        return "stage "
            + stage.id()
            + " holds keyed state, which only --stateChangelog=true lets a restarted task restore";
      }
      if (!stage.broadcastInputs().isEmpty()) {
        return "stage "
            + stage.id()
            + " reads side inputs and keeps main-input elements pushed back until they are ready"
            + " in its store, which only --stateChangelog=true lets a restarted task restore";
      }
    }
    return null;
  }
}
