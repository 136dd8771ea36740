package org.beamsamza.yarn.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.deploy.JobLaunch;
import org.beamsamza.runner.deploy.JobLauncher;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.yarn.SamzaYarnOptions;
import org.beamsamza.yarn.YarnJobFiles;
import org.beamsamza.yarn.am.ApplicationMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --deployment=yarn}: submits the job to a YARN cluster as one application. Before anything
 * is submitted it checks what would otherwise fail later on the cluster (queue, container sizes,
 * the Kafka cluster) and creates the job's topics; then it ships this JVM's classpath, the plan and
 * the cluster configuration to the application's staging directory on the cluster's file system,
 * and submits the {@link ApplicationMaster}, which runs the job's containers.
 */
public final class YarnLauncher implements JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(YarnLauncher.class);
  public static final String DEPLOYMENT = "yarn";
  static final String APPLICATION_TYPE = "BEAMSAMZA";

  @Override
  public String deployment() {
    return DEPLOYMENT;
  }

  @Override
  public void validate(org.beamsamza.runner.SamzaPipelineOptions samzaOptions) {
    SamzaYarnOptions options = samzaOptions.as(SamzaYarnOptions.class);
    if (!JobStreams.KAFKA.equals(options.getSystem())) {
      throw new IllegalArgumentException(
          "--deployment=yarn needs --system=kafka (with --kafkaBootstrapServers): containers on"
              + " different hosts exchange their streams through Kafka, was --system="
              + options.getSystem());
    }
    requirePositive("containerMemoryMb", options.getContainerMemoryMb());
    requirePositive("containerCores", options.getContainerCores());
    requirePositive("amMemoryMb", options.getAmMemoryMb());
    requirePositive("amCores", options.getAmCores());
    requirePositive("metricsReportMs", options.getMetricsReportMs());
    if (!options.getStateChangelog()) {
      // A container on a cluster may lose its host; only a changelog brings its state back.
      LOG.info("--deployment=yarn: turning on --stateChangelog");
      options.setStateChangelog(true);
    }
    HadoopConfig.load(options);
  }

  private static void requirePositive(String option, long value) {
    if (value < 1) {
      throw new IllegalArgumentException("--" + option + " must be at least 1, was " + value);
    }
  }

  @Override
  public SamzaPipelineResult launch(JobLaunch job) {
    ExecutionPlan plan = job.plan();
    SamzaYarnOptions options = job.options().as(SamzaYarnOptions.class);
    if (!plan.testStreams().isEmpty()) {
      throw new UnsupportedOperationException(
          "TestStream "
              + plan.testStreams().values().iterator().next().stepName()
              + " is not supported with --deployment=yarn: it scripts one clock for the whole job,"
              + " which only a local run has");
    }
    YarnConfiguration conf = HadoopConfig.load(options);
    YarnClient yarn = YarnClient.createYarnClient();
    yarn.init(conf);
    yarn.start();
    try {
      ClusterChecks.checkQueueExists(yarn, options.getYarnQueue(), "--yarnQueue");
      YarnClientApplication app = yarn.createApplication();
      Resource max = app.getNewApplicationResponse().getMaximumResourceCapability();
      ClusterChecks.checkFits(
          max,
          options.getContainerMemoryMb(),
          "--containerMemoryMb",
          options.getContainerCores(),
          "--containerCores");
      ClusterChecks.checkFits(
          max, options.getAmMemoryMb(), "--amMemoryMb", options.getAmCores(), "--amCores");
      KafkaReachability.check(options);
      JobStreams jobStreams = JobStreams.kafka(options, plan.jobName());
      jobStreams.createStreams(plan.streams());
      if (org.beamsamza.runner.metrics.ReporterOptions.names(options)
          .contains(org.beamsamza.runner.metrics.ReporterOptions.SNAPSHOT)) {
        jobStreams.createMetricsStream(options.getMetricsSnapshotStream());
      }

      ApplicationId appId = app.getNewApplicationResponse().getApplicationId();
      ApplicationStaging staging = ApplicationStaging.inHomeDirectory(conf, appId.toString());
      StagedFiles staged =
          staging.stage(
              ClasspathEntries.ofThisJvm(),
              stagedFiles(job.serializedPlan(), conf),
              excluded(options.getYarnShipExcludes()));
      LOG.info(
          "Staged {} files ({} MB) for {} in {}",
          staged.localResources().size(),
          staged.totalBytes() >> 20,
          appId,
          staged.dir());
      Map<String, String> env = new HashMap<>();
      if (options.getYarnEnvironment() != null) {
        env.putAll(options.getYarnEnvironment());
      }
      env.put(YarnJobFiles.ENV_STAGING_DIR, staged.dir().toString());
      ApplicationSubmissionContext context = app.getApplicationSubmissionContext();
      context.setApplicationName(plan.jobName());
      context.setApplicationType(APPLICATION_TYPE);
      context.setQueue(options.getYarnQueue());
      context.setResource(Resource.newInstance(options.getAmMemoryMb(), options.getAmCores()));
      // One AM attempt: a second one would not know the containers of the first.
      context.setMaxAppAttempts(1);
      context.setAMContainerSpec(
          LaunchCommands.javaContainer(
              staged,
              options.getAmMemoryMb(),
              List.of("-Djava.io.tmpdir=" + ApplicationConstants.Environment.PWD.$$()),
              ApplicationMaster.class.getName(),
              List.of(),
              env));
      try {
        yarn.submitApplication(context);
      } catch (YarnException | IOException | RuntimeException e) {
        staging.delete();
        throw e;
      }
      LOG.info(
          "Submitted job {} as YARN application {} to queue {}",
          plan.jobName(),
          appId,
          options.getYarnQueue());
      YarnPipelineResult result =
          new YarnPipelineResult(yarn, FileSystem.get(conf), appId, staged.dir());
      SubmittedApplications.record(result);
      return result;
    } catch (YarnException | IOException e) {
      yarn.stop();
      throw new IllegalStateException(
          "Submitting job " + plan.jobName() + " to YARN failed: " + e, e);
    } catch (RuntimeException e) {
      yarn.stop();
      throw e;
    }
  }

  /** The plan, and the client's cluster configuration for the AM (found on its classpath). */
  private static Map<String, byte[]> stagedFiles(byte[] plan, YarnConfiguration conf)
      throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(YarnJobFiles.PLAN, plan);
    ByteArrayOutputStream xml = new ByteArrayOutputStream();
    conf.writeXml(xml);
    files.put("yarn-site.xml", xml.toByteArray());
    files.put("core-site.xml", xml.toByteArray());
    return files;
  }

  static Predicate<Path> excluded(String prefixes) {
    List<String> list = new ArrayList<>();
    if (prefixes != null) {
      for (String p : prefixes.split(",")) {
        if (!p.isBlank()) {
          list.add(p.trim());
        }
      }
    }
    return entry -> {
      String name = entry.getFileName().toString();
      return list.stream().anyMatch(name::startsWith);
    };
  }
}
