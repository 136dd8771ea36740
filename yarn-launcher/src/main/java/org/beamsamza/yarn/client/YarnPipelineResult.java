package org.beamsamza.yarn.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.yarn.Wire;
import org.beamsamza.yarn.YarnJobFiles;
import org.joda.time.Duration;

/**
 * A job running as a YARN application, seen from the client: state from the ResourceManager's
 * application report, metrics and container restarts from the ApplicationMaster while it runs and
 * from the final files it left in the staging directory once it ended, {@code cancel} through
 * {@code YarnClient.killApplication}. A failed job's {@code waitUntilFinish} throws the user's own
 * exception, as in a local run, when its class is on this classpath.
 */
public final class YarnPipelineResult implements SamzaPipelineResult {
  private static final long POLL_MS = 500;

  private final YarnClient yarn;
  private final FileSystem fs;
  private final ApplicationId appId;
  private final Path stagingDir;
  private final HttpClient http = HttpClient.newHttpClient();

  public YarnPipelineResult(YarnClient yarn, FileSystem fs, ApplicationId appId, Path stagingDir) {
    this.yarn = yarn;
    this.fs = fs;
    this.appId = appId;
    this.stagingDir = stagingDir;
  }

  public ApplicationId getApplicationId() {
    return appId;
  }

  /** Where the job's files were staged, and where its ApplicationMaster leaves its final report. */
  public Path getStagingDir() {
    return stagingDir;
  }

  @Override
  public State getState() {
    return toState(report());
  }

  static State toState(ApplicationReport report) {
    YarnApplicationState state = report.getYarnApplicationState();
    switch (state) {
      case FINISHED:
        FinalApplicationStatus status = report.getFinalApplicationStatus();
        return status == FinalApplicationStatus.SUCCEEDED
            ? State.DONE
            : status == FinalApplicationStatus.KILLED ? State.CANCELLED : State.FAILED;
      case FAILED:
        return State.FAILED;
      case KILLED:
        return State.CANCELLED;
      default:
        return State.RUNNING;
    }
  }

  /**
   * Kills the application and waits until YARN reports it ended; then deletes its staged jars (a
   * killed ApplicationMaster could not).
   */
  @Override
  public State cancel() {
    try {
      yarn.killApplication(appId);
    } catch (YarnException | IOException e) {
      throw new IllegalStateException("Cannot kill YARN application " + appId + ": " + e, e);
    }
    State state;
    try {
      state = waitUntilFinish(Duration.ZERO);
    } catch (Pipeline.PipelineExecutionException failedFirst) {
      state = State.FAILED;
    }
    try {
      ApplicationStaging.deleteStagedInputs(fs, stagingDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the staged files in " + stagingDir, e);
    }
    return state;
  }

  @Override
  public State waitUntilFinish(Duration duration) {
    long deadline =
        duration == null || duration.getMillis() <= 0
            ? Long.MAX_VALUE
            : System.currentTimeMillis() + duration.getMillis();
    ApplicationReport report = report();
    while (toState(report) == State.RUNNING) {
      if (System.currentTimeMillis() >= deadline) {
        return null;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "Interrupted while waiting for YARN application " + appId + "; it is still running", e);
      }
      report = report();
    }
    State state = toState(report);
    if (state == State.FAILED) {
      throw new Pipeline.PipelineExecutionException(failure(report));
    }
    return state;
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  /** The user's exception the ApplicationMaster kept, else YARN's diagnostics of the failure. */
  Throwable failure(ApplicationReport report) {
    byte[] bytes = readFinal(YarnJobFiles.FINAL_FAILURE);
    String diagnostics = "YARN application " + appId + " failed: " + report.getDiagnostics();
    return Wire.exceptionFrom(bytes, diagnostics);
  }

  /**
   * Attempted and committed values reported by the job's containers: from the ApplicationMaster
   * while the job runs, from its final report after (empty while the AM starts, or if it was killed
   * before it could write one).
   */
  @Override
  public MetricResults metrics() {
    MetricsContainerStepMap[] reported = reportedMetrics();
    return JobMetrics.results(reported[0], reported[1]);
  }

  private MetricsContainerStepMap[] reportedMetrics() {
    byte[] bytes = liveOrFinal("/metrics.bin", YarnJobFiles.FINAL_METRICS);
    if (bytes == null) {
      return new MetricsContainerStepMap[] {
        new MetricsContainerStepMap(), new MetricsContainerStepMap()
      };
    }
    return Wire.fromBytes(bytes, MetricsContainerStepMap[].class, "job metrics");
  }

  /** The job's status as the ApplicationMaster serves it (or left it when the job ended). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> status() {
    byte[] bytes = liveOrFinal("/status", YarnJobFiles.FINAL_STATUS);
    if (bytes == null) {
      return Map.of();
    }
    try {
      return new ObjectMapper().readValue(bytes, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Integer> getContainerRestarts() {
    Map<String, Integer> restarts = new LinkedHashMap<>();
    Object containers = status().get("containers");
    if (containers instanceof List<?> list) {
      for (Object o : list) {
        Map<String, Object> c = (Map<String, Object>) o;
        int n = ((Number) c.getOrDefault("restarts", 0)).intValue();
        if (n > 0) {
          restarts.put(String.valueOf(c.get("id")), n);
        }
      }
    }
    return restarts;
  }

  /** The ApplicationMaster's base URL (its tracking URL without the path), or null. */
  String applicationMasterUrl() {
    String url = report().getOriginalTrackingUrl();
    if (url == null || url.isBlank() || "N/A".equals(url)) {
      return null;
    }
    if (!url.startsWith("http")) {
      url = "http://" + url;
    }
    int path = url.indexOf('/', url.indexOf("//") + 2);
    return path < 0 ? url : url.substring(0, path);
  }

  /** The AM's {@code path} while the job runs, its final file {@code finalName} once it ended. */
  private byte[] liveOrFinal(String path, String finalName) {
    return toState(report()) == State.RUNNING ? fromApplicationMaster(path) : readFinal(finalName);
  }

  private byte[] fromApplicationMaster(String path) {
    String base = applicationMasterUrl();
    if (base == null) {
      return null;
    }
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(java.time.Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null; // the AM is starting or gone: no live values
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private byte[] readFinal(String name) {
    Path path = new Path(stagingDir, name);
    try {
      if (!fs.exists(path)) {
        return null;
      }
      try (var in = fs.open(path)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  ApplicationReport report() {
    try {
      return yarn.getApplicationReport(appId);
    } catch (YarnException | IOException e) {
      throw new IllegalStateException(
          "Cannot read the report of YARN application " + appId + ": " + e, e);
    }
  }
}
