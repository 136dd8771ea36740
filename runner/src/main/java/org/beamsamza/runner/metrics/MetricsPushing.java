package org.beamsamza.runner.metrics;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.metrics.NoOpMetricsSink;
import org.apache.beam.sdk.metrics.MetricsOptions;
import org.apache.beam.sdk.metrics.MetricsSink;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.InstanceBuilder;
import org.beamsamza.translation.metrics.JobMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beam's metrics push ({@link MetricsOptions}: {@code --metricsSink}, {@code --metricsPushPeriod}):
 * while the job runs, its metrics (attempted and committed, as {@code metrics()} reports them) are
 * written to the sink every period; once the job's containers have stopped they are written one
 * last time, before the job reports its final state, so that a caller of {@code waitUntilFinish()}
 * finds the sink holding the final values.
 *
 * <p>Beam's own {@code MetricsPusher} (runners-core) pushes a live {@code MetricsContainerStepMap};
 * our job's metrics are merged on demand from per-task-attempt maps ({@link JobMetrics}), so this
 * small class does the same schedule over {@link JobMetrics#results()}. A sink that throws is
 * logged and tried again at the next period: metrics reporting never fails the job.
 */
public final class MetricsPushing {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsPushing.class);

  private final MetricsSink sink;
  private final JobMetrics metrics;
  private final ScheduledExecutorService executor;

  private MetricsPushing(MetricsSink sink, JobMetrics metrics, long periodSeconds) {
    this.sink = sink;
    this.metrics = metrics;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "beam-samza-metrics-push");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleAtFixedRate(this::push, periodSeconds, periodSeconds, TimeUnit.SECONDS);
  }

  /**
   * Starts pushing if the options name a sink other than Beam's no-op default; returns null
   * otherwise.
   *
   * @throws IllegalArgumentException naming {@code --metricsSink} if the sink cannot be built, or
   *     {@code --metricsPushPeriod} if it is not positive
   */
  public static MetricsPushing startIfConfigured(PipelineOptions options, JobMetrics metrics) {
    MetricsOptions metricsOptions = options.as(MetricsOptions.class);
    Class<? extends MetricsSink> sinkClass = metricsOptions.getMetricsSink();
    if (sinkClass == null || sinkClass == NoOpMetricsSink.class) {
      return null;
    }
    Long period = metricsOptions.getMetricsPushPeriod();
    if (period == null || period < 1) {
      throw new IllegalArgumentException(
          "--metricsPushPeriod must be at least 1 (seconds), was " + period);
    }
    MetricsSink sink;
    try {
      sink =
          InstanceBuilder.ofType(MetricsSink.class)
              .fromClass(sinkClass)
              .withArg(MetricsOptions.class, metricsOptions)
              .build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--metricsSink="
              + sinkClass.getName()
              + " cannot be built: it needs a public constructor taking MetricsOptions ("
              + e.getMessage()
              + ")",
          e);
    }
    return new MetricsPushing(sink, metrics, period);
  }

  private synchronized void push() {
    try {
      sink.writeMetrics(metrics.results().allMetrics());
    } catch (Exception e) {
      LOG.warn("Pushing metrics to {} failed; trying again next period", sink, e);
    }
  }

  /** Stops the schedule and pushes the final values (call once the containers have stopped). */
  public void stopAndPushFinal() {
    executor.shutdownNow();
    push();
  }
}
