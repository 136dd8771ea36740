package org.beamsamza.yarn.am;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.beamsamza.runner.job.ContainerRestarts;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runner.metrics.JobProgress;
import org.beamsamza.runner.metrics.JobValues;
import org.beamsamza.runner.status.StatusModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.yarn.SamzaYarnOptions;
import org.beamsamza.yarn.Wire;
import org.beamsamza.yarn.YarnJobFiles;
import org.beamsamza.yarn.client.ApplicationStaging;
import org.beamsamza.yarn.client.LaunchCommands;
import org.beamsamza.yarn.client.StagedFiles;
import org.beamsamza.yarn.container.ContainerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's ApplicationMaster: reads the plan from its working directory, computes the job model,
 * registers with the ResourceManager (tracking URL: the status page its {@link StatusServer}
 * serves), has the {@link JobCoordinator} run one YARN container per container of the job model,
 * and when the job ends writes its final status, metrics and failure to the staging directory for
 * the client, then unregisters SUCCEEDED or FAILED (with the cause) and exits.
 */
public final class ApplicationMaster {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationMaster.class);

  private ApplicationMaster() {}

  public static void main(String[] args) {
    int exit = 1;
    try {
      exit = run();
    } catch (Throwable t) {
      LOG.error("ApplicationMaster failed", t);
    } finally {
      // An AM that unregistered may not exit by itself (non-daemon threads of YARN's clients).
      System.exit(exit);
    }
  }

  private static int run() throws Exception {
    byte[] planBytes = Files.readAllBytes(Paths.get(YarnJobFiles.PLAN));
    ExecutionPlan plan =
        (ExecutionPlan) SerializableUtils.deserializeFromByteArray(planBytes, "execution plan");
    SamzaYarnOptions options = plan.options().get().as(SamzaYarnOptions.class);
    JobModel jobModel =
        JobAssembly.jobModel(plan, options, JobStreams.kafka(options, plan.jobName()));
    YarnConfiguration conf = new YarnConfiguration();
    FileSystem fs = FileSystem.get(conf);
    Path stagingDir = new Path(System.getenv(YarnJobFiles.ENV_STAGING_DIR));
    StagedFiles staged = ApplicationStaging.read(fs, stagingDir);
    String appId = System.getenv(ApplicationConstants.Environment.CONTAINER_ID.name());
    String host = hostName();

    ReportedMetrics metrics = new ReportedMetrics();
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "am-restart-timer");
              t.setDaemon(true);
              return t;
            });
    CountDownLatch shutdownRequested = new CountDownLatch(1);
    StatusServer server = new StatusServer();
    String amUrl = "http://" + host + ":" + server.port();

    Map<String, String> baseEnv = new HashMap<>();
    if (options.getYarnEnvironment() != null) {
      baseEnv.putAll(options.getYarnEnvironment());
    }
    baseEnv.put(YarnJobFiles.ENV_STAGING_DIR, stagingDir.toString());
    baseEnv.put(YarnJobFiles.ENV_AM_URL, amUrl);
    YarnCluster cluster =
        new YarnCluster(
            Resource.newInstance(options.getContainerMemoryMb(), options.getContainerCores()),
            (containerId, attempt) -> {
              Map<String, String> env = new HashMap<>(baseEnv);
              env.put(YarnJobFiles.ENV_CONTAINER_ID, containerId);
              env.put(YarnJobFiles.ENV_ATTEMPT, Integer.toString(attempt));
              return LaunchCommands.javaContainer(
                  staged,
                  options.getContainerMemoryMb(),
                  containerJvmArgs(options),
                  ContainerMain.class.getName(),
                  List.of(),
                  env);
            });
    HostAffinity affinity =
        new HostAffinity(fs, stagingDir.getParent(), plan.jobName(), options.getJobId());
    JobCoordinator coordinator =
        new JobCoordinator(
            jobModel,
            ContainerRestarts.forJob(options, plan),
            cluster,
            (delay, action) -> timer.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS),
            affinity.load(),
            affinity::save);
    StatusModel page =
        new StatusModel(plan.jobName(), options.getJobId(), host, plan, jobModel, metrics::values);
    page.follow(new CoordinatorCondition(coordinator));
    server.serve(
        page::build,
        () -> status(plan, options, jobModel, coordinator, appId, metrics),
        () -> Wire.toBytes(metrics.snapshot()),
        report -> {
          metrics.add(report);
          coordinator.onReport(report);
        });

    AMRMClientAsync<ContainerRequest> rm =
        AMRMClientAsync.createAMRMClientAsync(
            1000, cluster.rmCallbacks(shutdownRequested::countDown));
    NMClientAsync nm = NMClientAsync.createNMClientAsync(cluster.nmCallbacks());
    cluster.connect(rm, nm, coordinator);
    rm.init(conf);
    rm.start();
    nm.init(conf);
    nm.start();
    // The tracking URL is the page: the ResourceManager's web UI links it (through its proxy, which
    // maps the paths under it to the AM's, so the page's relative status.json resolves there too).
    // The client and the command line take its scheme, host and port and read /status.
    rm.registerApplicationMaster(host, 0, amUrl + "/");
    LOG.info(
        "ApplicationMaster of job {} registered; status page at {}/ (JSON: /status); {}"
            + " container(s)",
        plan.jobName(),
        amUrl,
        jobModel.getContainers().size());
    coordinator.start();
    long progressMs = options.getProgressLogIntervalMs();
    if (progressMs > 0) {
      timer.scheduleAtFixedRate(
          () -> LOG.info("Job {}: {}", plan.jobName(), progress(metrics, jobModel).line()),
          progressMs,
          progressMs,
          TimeUnit.MILLISECONDS);
    }

    Thread waiter = new Thread(() -> awaitQuietly(coordinator, shutdownRequested), "am-outcome");
    waiter.setDaemon(true);
    waiter.start();
    shutdownRequested.await();
    JobCoordinator.Outcome outcome = coordinator.outcome();
    if (outcome == null) {
      outcome = new JobCoordinator.Outcome(false, "The ResourceManager shut the job down", null);
    }
    LOG.info(
        "Job {} {}:{}{}",
        plan.jobName(),
        outcome.succeeded() ? "succeeded" : "failed",
        System.lineSeparator(),
        String.join(System.lineSeparator(), progress(metrics, jobModel).summary()));
    writeFinal(
        fs,
        stagingDir,
        outcome,
        status(plan, options, jobModel, coordinator, appId, metrics),
        metrics);
    try {
      ApplicationStaging.deleteStagedInputs(fs, stagingDir);
      LOG.info("Deleted the staged jars and plan in {}", stagingDir);
    } catch (IOException e) {
      LOG.warn("Cannot delete the staged files in {}", stagingDir, e);
    }
    rm.unregisterApplicationMaster(
        outcome.succeeded() ? FinalApplicationStatus.SUCCEEDED : FinalApplicationStatus.FAILED,
        truncate(outcome.diagnostics(), 8_000),
        amUrl + "/");
    nm.stop();
    rm.stop();
    server.close();
    return outcome.succeeded() ? 0 : 1;
  }

  private static JobProgress progress(ReportedMetrics metrics, JobModel jobModel) {
    return JobProgress.of(metrics.values(), jobModel);
  }

  private static void awaitQuietly(JobCoordinator coordinator, CountDownLatch done) {
    try {
      coordinator.awaitOutcome();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    done.countDown();
  }

  /** What the client reads once the application has ended (the AM is gone then). */
  private static void writeFinal(
      FileSystem fs,
      Path stagingDir,
      JobCoordinator.Outcome outcome,
      Map<String, Object> status,
      ReportedMetrics metrics)
      throws IOException {
    write(fs, new Path(stagingDir, YarnJobFiles.FINAL_METRICS), Wire.toBytes(metrics.snapshot()));
    if (outcome.userException() != null) {
      write(fs, new Path(stagingDir, YarnJobFiles.FINAL_FAILURE), outcome.userException());
    }
    write(
        fs,
        new Path(stagingDir, YarnJobFiles.FINAL_STATUS),
        StatusServer.JSON.writeValueAsBytes(status));
  }

  private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(bytes);
    }
  }

  static Map<String, Object> status(
      ExecutionPlan plan,
      SamzaYarnOptions options,
      JobModel jobModel,
      JobCoordinator coordinator,
      String amContainerId,
      ReportedMetrics metrics) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("job", plan.jobName());
    status.put("jobId", options.getJobId());
    status.put("applicationMaster", amContainerId);
    JobCoordinator.Outcome outcome = coordinator.outcome();
    status.put("state", CoordinatorCondition.state(outcome));
    if (outcome != null && !outcome.succeeded()) {
      status.put("failure", outcome.diagnostics());
    }
    Map<String, Integer> stages = new TreeMap<>();
    for (var container : jobModel.getContainers().values()) {
      for (TaskModel task : container.getTasks().values()) {
        stages.merge(task.getStageId(), 1, Integer::sum);
      }
    }
    status.put(
        "stages",
        stages.entrySet().stream()
            .map(e -> Map.<String, Object>of("id", e.getKey(), "tasks", e.getValue()))
            .toList());
    status.put("containers", coordinator.describeContainers());
    JobValues values = metrics.values();
    status.put("progress", JobProgress.of(values, jobModel).toMap());
    status.put("metrics", values.byContainer());
    return status;
  }

  /**
   * Temporary files (and a job's default store directory) in the working directory, which the
   * NodeManager deletes with the container; then the user's {@code --containerJvmOptions}.
   */
  static List<String> containerJvmArgs(SamzaYarnOptions options) {
    List<String> args = new ArrayList<>();
    args.add("-Djava.io.tmpdir=" + ApplicationConstants.Environment.PWD.$$());
    String extra = options.getContainerJvmOptions();
    if (extra != null && !extra.isBlank()) {
      args.addAll(List.of(extra.trim().split("\\s+")));
    }
    return args;
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static String hostName() {
    String nmHost = System.getenv(ApplicationConstants.Environment.NM_HOST.name());
    if (nmHost != null && !nmHost.isBlank()) {
      return nmHost;
    }
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
