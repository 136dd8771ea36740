package org.beamsamza.runner.local;

import java.time.Duration;
import java.util.List;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runner.job.StoreDirectory;
import org.beamsamza.runner.metrics.JobRegistries;
import org.beamsamza.runner.metrics.MetricsPushing;
import org.beamsamza.runner.metrics.ProgressLog;
import org.beamsamza.runner.metrics.ReporterOptions;
import org.beamsamza.runner.status.StatusPage;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.local.JobHandle;
import org.beamsamza.runtime.local.LocalJobRunner;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;

/**
 * Runs a plan in this JVM ({@code --deployment=local}): the job {@link JobAssembly} wires, every
 * container as a thread, intermediate streams and checkpoints on the system {@code --system}
 * chooses ({@link JobStreams}): in memory by default (nothing to install), or topics on a Kafka
 * cluster. With {@code --statusPort} it serves the job's {@link StatusPage} while the job runs.
 */
public final class LocalExecution {
  private LocalExecution() {}

  /**
   * What outlives one run of a job in this JVM: its streams (inputs, repartition and changelog
   * streams) and its checkpoints. A second {@link #start} with the same environment (and the same
   * {@code --storeBaseDir}) resumes the job as a restarted Samza job would: each task restores its
   * stores from their changelogs and reads on from its last checkpoint.
   */
  public record Environment(InMemoryStreams streams, CheckpointManager checkpoints) {
    public static Environment fresh() {
      return new Environment(new InMemoryStreams(), new InMemoryCheckpointManager());
    }
  }

  public static SamzaPipelineResult start(
      ExecutionPlan plan, byte[] serializedPlan, SamzaPipelineOptions options, JobMetrics metrics) {
    return start(plan, serializedPlan, options, metrics, Environment.fresh());
  }

  public static SamzaPipelineResult start(
      ExecutionPlan plan,
      byte[] serializedPlan,
      SamzaPipelineOptions options,
      JobMetrics metrics,
      Environment environment) {
    JobStreams streams =
        JobStreams.forOptions(
            options, plan.jobName(), environment.streams(), environment.checkpoints());
    streams.createStreams(plan.streams());
    if (ReporterOptions.names(options).contains(ReporterOptions.SNAPSHOT)) {
      streams.createMetricsStream(options.getMetricsSnapshotStream());
    }
    StoreDirectory storeDir = StoreDirectory.open(options.getStoreBaseDir());
    JobAssembly assembly;
    try {
      assembly =
          JobAssembly.assemble(
              plan,
              serializedPlan,
              options,
              metrics,
              streams,
              storeDir.path(),
              storeDir.isTemporary());
    } catch (RuntimeException | Error e) {
      storeDir.close();
      throw e;
    }
    Duration grace = Duration.ofMillis(options.getCancelGraceMs());
    ExitCleanup exitCleanup = new ExitCleanup(storeDir, grace);
    MetricsPushing pushing;
    try {
      pushing = MetricsPushing.startIfConfigured(options, metrics);
    } catch (RuntimeException e) {
      storeDir.close();
      throw e;
    }
    JobRegistries registries = new JobRegistries();
    ProgressLog progress =
        ProgressLog.start(
            plan.jobName(), registries, assembly.jobModel(), options.getProgressLogIntervalMs());
    Runnable afterStop =
        () -> {
          try {
            progress.stop("ended");
            if (pushing != null) {
              pushing.stopAndPushFinal();
            }
          } finally {
            exitCleanup.jobStopped();
          }
        };
    JobHandle job;
    StatusPage statusPage = null;
    try {
      if (options.getStatusPort() != null) {
        statusPage =
            StatusPage.start(
                options.getStatusPort(),
                options.getJobId(),
                plan,
                assembly.jobModel(),
                registries::values);
      }
      job =
          LocalJobRunner.start(
              assembly.jobModel(),
              assembly.config(),
              assembly.systems(),
              assembly.tasks(),
              streams.checkpoints(),
              afterStop,
              grace,
              assembly.restartPolicy(),
              List.of(registries));
    } catch (RuntimeException | Error e) {
      progress.stop("failed to start");
      if (statusPage != null) {
        statusPage.close();
      }
      if (pushing != null) {
        pushing.stopAndPushFinal();
      }
      storeDir.close();
      throw e;
    }
    exitCleanup.register(job);
    if (statusPage == null) {
      return new LocalPipelineResult(job, metrics, progress::progress, null);
    }
    statusPage.follow(job);
    return new LocalPipelineResult(job, metrics, progress::progress, statusPage.port());
  }

  /**
   * Releases the job's store directory (deleting it if temporary) once its containers have stopped,
   * or, if the JVM exits first (SIGTERM, {@code System.exit}), from a shutdown hook that kills the
   * job and waits up to the cancel grace period for its containers to close their stores.
   */
  private static final class ExitCleanup {
    private final StoreDirectory storeDir;
    private final Duration grace;
    private final Thread hook;
    private volatile JobHandle job;

    ExitCleanup(StoreDirectory storeDir, Duration grace) {
      this.storeDir = storeDir;
      this.grace = grace;
      this.hook = new Thread(this::onJvmExit, "beam-samza-exit-cleanup");
    }

    void register(JobHandle job) {
      this.job = job;
      if (job.getStatus().isTerminal()) {
        return;
      }
      try {
        Runtime.getRuntime().addShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        onJvmExit();
        return;
      }
      if (job.getStatus().isTerminal()) {
        removeHook();
      }
    }

    void jobStopped() {
      storeDir.close();
      if (Thread.currentThread() != hook) {
        removeHook();
      }
    }

    private void removeHook() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting: the hook is running or will run, and finds the directory closed.
      }
    }

    private void onJvmExit() {
      JobHandle j = job;
      if (j != null && !j.getStatus().isTerminal()) {
        j.kill();
        try {
          j.waitForFinish(grace);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      storeDir.close();
    }
  }
}
