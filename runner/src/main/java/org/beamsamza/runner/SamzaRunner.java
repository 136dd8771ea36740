package org.beamsamza.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsValidator;
import org.beamsamza.runner.deploy.JobLaunch;
import org.beamsamza.runner.deploy.JobLauncher;
import org.beamsamza.runner.deploy.JobLaunchers;
import org.beamsamza.runner.job.KafkaOptions;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.config.StreamConfig;
import org.beamsamza.translation.PipelineTranslator;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Beam pipeline on the Samza-style runtime: translates it into stages of stream tasks joined
 * by partitioned streams, then hands the plan to the launcher of {@code --deployment} ({@link
 * JobLaunchers}): {@code local} runs the containers as threads of this JVM (over the in-memory
 * system, or against a Kafka cluster with {@code --system=kafka}), {@code yarn} on a YARN cluster.
 * Select it with {@code --runner=SamzaRunner}.
 */
public class SamzaRunner extends PipelineRunner<SamzaPipelineResult> {
  private static final Logger LOG = LoggerFactory.getLogger(SamzaRunner.class);

  private final SamzaPipelineOptions options;

  protected SamzaRunner(SamzaPipelineOptions options) {
    this.options = options;
  }

  public static SamzaRunner fromOptions(PipelineOptions options) {
    return new SamzaRunner(PipelineOptionsValidator.validate(SamzaPipelineOptions.class, options));
  }

  @Override
  public SamzaPipelineResult run(Pipeline pipeline) {
    validate(options);
    JobLauncher launcher = JobLaunchers.forOptions(options);
    launcher.validate(options);
    // The default job id is drawn at its first read: fix it now, so that every process of a job
    // deployed on a cluster (which deserializes these options) names the same topics.
    options.setJobId(options.getJobId());
    MetricsEnvironment.setMetricsSupported(true);
    JobMetrics metrics = new JobMetrics();
    PipelineTranslator.prepare(pipeline);
    ExecutionPlan plan =
        PipelineTranslator.translate(pipeline, options, options.getParallelism(), metrics.shared());
    LOG.info("Running {}", plan.describe());
    byte[] serialized = PlanSerialization.serialize(plan);
    return launcher.launch(new JobLaunch(plan, serialized, options, metrics));
  }

  /** Translates without running: for tests and tools that inspect the plan. */
  public static ExecutionPlan translate(Pipeline pipeline, SamzaPipelineOptions options) {
    validate(options);
    PipelineTranslator.prepare(pipeline);
    return PipelineTranslator.translate(pipeline, options, options.getParallelism());
  }

  static void validate(SamzaPipelineOptions options) {
    KafkaOptions.validate(options);
    requirePositive("parallelism", options.getParallelism());
    requirePositive("containers", options.getContainers());
    requirePositive("bundleSize", options.getBundleSize());
    requirePositive("windowMs", options.getWindowMs());
    requirePositive("commitMs", options.getCommitMs());
    requirePositive("stateCacheBytes", options.getStateCacheBytes());
    requirePositive("cancelGraceMs", options.getCancelGraceMs());
    requirePositive("containerRetryWindowMs", options.getContainerRetryWindowMs());
    if (options.getContainerRetryCount() < 0) {
      throw new IllegalArgumentException(
          "--containerRetryCount must be 0 (no restarts) or more, was "
              + options.getContainerRetryCount());
    }
    if (options.getContainerRetryBackoffMs() < 0) {
      throw new IllegalArgumentException(
          "--containerRetryBackoffMs must be 0 or more, was "
              + options.getContainerRetryBackoffMs());
    }
    if (options.getConfigOverride() != null) {
      try {
        new StreamConfig(new Config(options.getConfigOverride())).validate();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--configOverride: " + e.getMessage(), e);
      }
    }
    requirePositive("metricsSnapshotIntervalMs", options.getMetricsSnapshotIntervalMs());
    org.beamsamza.runner.metrics.ReporterOptions.validate(options);
    if (options.getStatusPort() != null
        && (options.getStatusPort() < 0 || options.getStatusPort() > 65535)) {
      throw new IllegalArgumentException(
          "--statusPort must be a port (0 for any free one), was " + options.getStatusPort());
    }
    if (options.getProgressLogIntervalMs() < 0) {
      throw new IllegalArgumentException(
          "--progressLogIntervalMs must be 0 (off) or more, was "
              + options.getProgressLogIntervalMs());
    }
    if (options.getStateCacheEntries() < 0) {
      throw new IllegalArgumentException(
          "--stateCacheEntries must be 0 (no cache) or more, was "
              + options.getStateCacheEntries());
    }
  }

  private static void requirePositive(String option, long value) {
    if (value < 1) {
      throw new IllegalArgumentException("--" + option + " must be at least 1, was " + value);
    }
  }

  @Override
  public String toString() {
    return "SamzaRunner";
  }
}
