package org.beamsamza.runner.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runtime.metrics.MetricsConfig;

/** {@code --metricsReporters} and its settings, as the containers' {@code metrics.*} config. */
public final class ReporterOptions {
  public static final String JMX = MetricsConfig.JMX;
  public static final String SNAPSHOT = "snapshot";
  private static final Set<String> KNOWN = Set.of(JMX, SNAPSHOT);

  private ReporterOptions() {}

  public static List<String> names(SamzaPipelineOptions options) {
    String list = options.getMetricsReporters();
    if (list == null) {
      return List.of();
    }
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public static void validate(SamzaPipelineOptions options) {
    for (String name : names(options)) {
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException(
            "--metricsReporters: unknown reporter '"
                + name
                + "' in '"
                + options.getMetricsReporters()
                + "'; known: "
                + JMX
                + ", "
                + SNAPSHOT);
      }
    }
    String stream = options.getMetricsSnapshotStream();
    if (names(options).contains(SNAPSHOT) && (stream == null || stream.isBlank())) {
      throw new IllegalArgumentException(
          "--metricsSnapshotStream must name a stream when --metricsReporters has snapshot");
    }
  }

  /**
   * The config entries for the options' reporters; the snapshot stream is {@code
   * <system>.<--metricsSnapshotStream>}.
   */
  public static Map<String, String> config(
      SamzaPipelineOptions options, String system, String jobName) {
    Map<String, String> config = new LinkedHashMap<>();
    List<String> names = names(options);
    config.put(MetricsConfig.REPORTERS, String.join(",", names));
    config.put(SnapshotReporterFactory.JOB_NAME, jobName);
    config.put(SnapshotReporterFactory.JOB_ID, options.getJobId());
    if (names.contains(SNAPSHOT)) {
      config.put(
          MetricsConfig.reporterKey(SNAPSHOT, "class"), SnapshotReporterFactory.class.getName());
      config.put(
          MetricsConfig.reporterKey(SNAPSHOT, "stream"),
          system + "." + options.getMetricsSnapshotStream());
      config.put(
          MetricsConfig.reporterKey(SNAPSHOT, "interval.ms"),
          Long.toString(options.getMetricsSnapshotIntervalMs()));
    }
    return config;
  }
}
