package org.beamsamza.runtime.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.container.RoundRobinChooser;
import org.beamsamza.runtime.container.SamzaContainer;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStreamPartition;
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
   * ends), and {@code killGrace} is how long a kill waits for interrupted containers.
   */
  public static JobHandle start(
      JobModel jobModel,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager,
      Runnable afterStop,
      Duration killGrace) {
    Objects.requireNonNull(jobModel, "jobModel");
    Set<SystemStreamPartition> trimmable = JobModelPlanner.singleReaderPartitions(jobModel);
    List<SamzaContainer> containers = new ArrayList<>();
    for (ContainerModel model : jobModel.getContainers().values()) {
      containers.add(
          new SamzaContainer(
              model.getContainerId(),
              model,
              config,
              systems,
              taskFactory,
              checkpointManager,
              trimmable,
              new RoundRobinChooser()));
    }
    JobHandle handle =
        new JobHandle(
            containers,
            checkpointManager,
            Objects.requireNonNull(afterStop, "afterStop"),
            Objects.requireNonNull(killGrace, "killGrace"));
    handle.start();
    return handle;
  }
}
