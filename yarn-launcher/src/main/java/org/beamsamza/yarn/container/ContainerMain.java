package org.beamsamza.yarn.container;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runner.job.StoreDirectory;
import org.beamsamza.runner.metrics.JobRegistries;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.container.SamzaContainer;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.yarn.ContainerReport;
import org.beamsamza.yarn.SamzaYarnOptions;
import org.beamsamza.yarn.Wire;
import org.beamsamza.yarn.YarnJobFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main of a YARN container that runs tasks: reads the plan from its working directory, wires
 * the job on Kafka as every deployment does ({@link JobAssembly}), runs container {@code
 * $BEAMSAMZA_CONTAINER_ID} of the job model until its input ends (exit 0) or it fails (exit 1,
 * after reporting why to the ApplicationMaster), and reports its metrics while it runs. Its tasks
 * restore their stores from their changelogs and read on from their checkpoints, so a replacement
 * for a failed instance carries on where that one left off. Logs go to stdout/stderr, which the
 * launch command sends to the container's log directory.
 */
public final class ContainerMain {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerMain.class);

  private ContainerMain() {}

  /**
   * How long a stop on SIGTERM may take (final commit, clean store close) before the JVM halts
   * anyway. The NodeManager sends SIGKILL {@code yarn.nodemanager.sleep-delay-before-sigkill.ms}
   * after SIGTERM (250 ms by default): raise that on the cluster to give stops time.
   */
  static final long STOP_GRACE_MS = 30_000;

  /** The exit status of a container stopped by a signal: not finished, so the AM restarts it. */
  static final int EXIT_STOPPED_BY_SIGNAL = 143;

  /** Set once the JVM is shutting down (SIGTERM): main must not call System.exit then. */
  private static final AtomicBoolean SIGNALLED = new AtomicBoolean();

  /** Set before main's own System.exit, which also runs the hook: that is no signal. */
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  public static void main(String[] args) {
    int exit;
    try {
      exit = run();
    } catch (Throwable t) {
      LOG.error("Container failed before it could run", t);
      exit = 1;
    }
    if (!SIGNALLED.get()) {
      EXITING.set(true); // the shutdown hook then has nothing to stop or wait for
      System.exit(exit);
    }
    // Shutting down already: the hook waits for this thread, then the JVM exits (143).
  }

  private static int run() throws Exception {
    String containerId = requireEnv(YarnJobFiles.ENV_CONTAINER_ID);
    String yarnContainerId = requireEnv(ApplicationConstants.Environment.CONTAINER_ID.name());
    byte[] planBytes = Files.readAllBytes(Paths.get(YarnJobFiles.PLAN));
    ExecutionPlan plan =
        (ExecutionPlan) SerializableUtils.deserializeFromByteArray(planBytes, "execution plan");
    SamzaYarnOptions options = plan.options().get().as(SamzaYarnOptions.class);
    MetricsEnvironment.setMetricsSupported(true);
    JobMetrics metrics = new JobMetrics();
    LOG.info(
        "Container {} of job {} (id {}) starting in {} (pid {})",
        containerId,
        plan.jobName(),
        options.getJobId(),
        yarnContainerId,
        ProcessHandle.current().pid());
    JobRegistries registries = new JobRegistries();
    try (AmReporter reporter =
        new AmReporter(
            requireEnv(YarnJobFiles.ENV_AM_URL),
            containerId,
            yarnContainerId,
            metrics,
            registries)) {
      SamzaContainer container = null;
      JobStreams streams = null;
      StoreDirectory stores = null;
      try {
        streams = JobStreams.kafka(options, plan.jobName());
        stores = StoreDirectory.open(storeDir(options, plan, containerId));
        JobAssembly job =
            JobAssembly.assemble(
                plan, planBytes, options, metrics, streams, stores.path(), stores.isTemporary());
        container =
            SamzaContainer.ofJob(
                job.jobModel(),
                containerId,
                job.config(),
                job.systems(),
                job.tasks(),
                streams.checkpoints(),
                java.util.List.of(registries));
        SamzaContainer running = container;
        Thread mainThread = Thread.currentThread();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(() -> stopOnSignal(running, mainThread), "container-shutdown-hook"));
        streams.checkpoints().start();
        reporter.startPeriodic(options.getMetricsReportMs());
        container.run();
        reporter.send(null);
        if (SIGNALLED.get()) {
          LOG.info("Container {} stopped on a signal after a final commit", containerId);
          return EXIT_STOPPED_BY_SIGNAL;
        }
        LOG.info("Container {} finished its work", containerId);
        return 0;
      } catch (Throwable t) {
        Throwable user = SamzaPipelineResult.rootCause(t);
        LOG.error("Container {} failed", containerId, t);
        reporter.send(
            new ContainerReport.Failure(
                Wire.exceptionBytes(user),
                Wire.stackTrace(user),
                container != null && container.reachedRunLoop(),
                t instanceof ContainerException ce && ce.isAfterProcessing()));
        return 1;
      } finally {
        if (streams != null) {
          streams.checkpoints().stop();
        }
        if (stores != null) {
          stores.close();
        }
      }
    }
  }

  /**
   * SIGTERM (the NodeManager stopping the container, an operator's kill): stop after a final commit
   * and a clean close of the stores, which a later start on this host reuses, and wait for that (at
   * most {@link #STOP_GRACE_MS}) before the JVM halts.
   */
  private static void stopOnSignal(SamzaContainer container, Thread mainThread) {
    if (EXITING.get()) {
      return; // main is exiting by itself and waits for this hook: joining it would deadlock
    }
    SIGNALLED.set(true);
    LOG.info("Stopping on a signal: final commit, then closing the stores");
    container.stopGracefully();
    try {
      mainThread.join(STOP_GRACE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * With {@code --storeBaseDir}, a directory of this job and container there, which a replacement
   * on the same host reopens (host affinity); otherwise the working directory, deleted with the
   * container.
   */
  private static String storeDir(SamzaYarnOptions options, ExecutionPlan plan, String containerId) {
    String base = options.getStoreBaseDir();
    if (base == null || base.isBlank()) {
      return Paths.get("stores").toAbsolutePath().toString();
    }
    return Paths.get(base, plan.jobName() + "-" + options.getJobId(), "container-" + containerId)
        .toString();
  }

  private static String requireEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "Environment variable "
              + name
              + " is not set: this main runs in a container the"
              + " job's ApplicationMaster launched");
    }
    return value;
  }
}
