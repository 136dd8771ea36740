package org.beamsamza.yarn.container;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.beamsamza.runner.metrics.JobRegistries;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.yarn.ContainerReport;
import org.beamsamza.yarn.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this container's {@link ContainerReport}s to the ApplicationMaster over HTTP: its metrics
 * every period and once more when it ends, and why it failed. Metrics cross the process boundary
 * this way, not through a shared heap object; a report that cannot be delivered is logged and the
 * next one carries the newer values.
 */
final class AmReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AmReporter.class);

  private final URI reportUri;
  private final String containerId;
  private final String yarnContainerId;
  private final JobMetrics metrics;
  private final JobRegistries registries;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ScheduledExecutorService schedule =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "am-reporter");
            t.setDaemon(true);
            return t;
          });

  AmReporter(
      String amUrl,
      String containerId,
      String yarnContainerId,
      JobMetrics metrics,
      JobRegistries registries) {
    this.registries = registries;
    this.reportUri = URI.create(amUrl + "/report");
    this.containerId = containerId;
    this.yarnContainerId = yarnContainerId;
    this.metrics = metrics;
  }

  void startPeriodic(long periodMs) {
    schedule.scheduleWithFixedDelay(() -> send(null), periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  /** Sends the metrics now, with {@code failure} if the container failed; waits for delivery. */
  void send(ContainerReport.Failure failure) {
    // Committed before attempted, so that every committed metric is attempted too (JobMetrics).
    MetricsContainerStepMap committed = metrics.committed();
    ContainerReport report =
        new ContainerReport(
            containerId,
            yarnContainerId,
            ProcessHandle.current().pid(),
            metrics.attempted(),
            committed,
            new java.util.LinkedHashMap<>(
                registries.values().byContainer().getOrDefault(containerId, Map.of())),
            failure);
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(reportUri)
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(Wire.toBytes(report)))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() != 200) {
        LOG.warn("The ApplicationMaster refused a report: HTTP {}", response.statusCode());
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("Cannot report to the ApplicationMaster at {}: {}", reportUri, e.toString());
    }
  }

  @Override
  public void close() {
    schedule.shutdownNow();
  }
}
