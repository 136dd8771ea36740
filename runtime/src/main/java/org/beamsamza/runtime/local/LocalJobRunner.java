package org.beamsamza.runtime.local;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.container.SamzaContainer;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.metrics.JobMetricsListener;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.task.StreamTaskFactory;

/**
 * Runs a whole job inside this JVM, one thread per container, the way a test or a laptop run wants
 * it: same containers and run loop as on a cluster, so local runs exercise the real engine.
 * Partitions that exactly one task of the job reads are trimmed after commits; the streams must
 * already exist.
 */
public final class LocalJobRunner {
  private LocalJobRunner() {}

  /**
   * Starts every container of the job on a thread named {@code container-<id>} and returns at once.
   * The checkpoint manager is started here and stopped when the last container ends.
   */
  public static JobHandle start(
      JobModel jobModel,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager) {
    return start(
        jobModel,
        config,
        systems,
        taskFactory,
        checkpointManager,
        () -> {},
        JobHandle.DEFAULT_KILL_GRACE);
  }

  /**
   * As above; {@code afterStop} runs once every container thread has ended, before the job reports
   * its final status (a kill that abandons a thread ignoring interrupts runs it when that thread
   * ends), and {@code killGrace} is how long a kill waits for interrupted containers. No container
   * is restarted: the first failure fails the job.
   */
  public static JobHandle start(
      JobModel jobModel,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager,
      Runnable afterStop,
      Duration killGrace) {
    return start(
        jobModel,
        config,
        systems,
        taskFactory,
        checkpointManager,
        afterStop,
        killGrace,
        ContainerRestartPolicy.never());
  }

  /**
   * As above; a container that fails is restarted in place as {@code restartPolicy} allows (see
   * {@link JobHandle}). The systems, the task factory and the checkpoint manager serve every
   * instance of a container, so what a restart needs (streams, changelogs, checkpoints) must
   * outlive a container instance there.
   */
  public static JobHandle start(
      JobModel jobModel,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager,
      Runnable afterStop,
      Duration killGrace,
      ContainerRestartPolicy restartPolicy) {
    return start(
        jobModel,
        config,
        systems,
        taskFactory,
        checkpointManager,
        afterStop,
        killGrace,
        restartPolicy,
        List.of());
  }

  /**
   * As above; every container (and every restart of one) registers its metrics with {@code
   * jobListeners} (a status page that outlives containers).
   */
  public static JobHandle start(
      JobModel jobModel,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager,
      Runnable afterStop,
      Duration killGrace,
      ContainerRestartPolicy restartPolicy,
      List<JobMetricsListener> jobListeners) {
    Objects.requireNonNull(jobModel, "jobModel");
    Map<String, Supplier<SamzaContainer>> containers = new LinkedHashMap<>();
    for (String id : jobModel.getContainers().keySet()) {
      containers.put(
          id,
          () ->
              SamzaContainer.ofJob(
                  jobModel, id, config, systems, taskFactory, checkpointManager, jobListeners));
    }
    JobHandle handle =
        new JobHandle(
            containers,
            checkpointManager,
            Objects.requireNonNull(afterStop, "afterStop"),
            Objects.requireNonNull(killGrace, "killGrace"),
            Objects.requireNonNull(restartPolicy, "restartPolicy"));
    handle.start();
    return handle;
  }
}
