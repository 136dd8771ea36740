package org.beamsamza.runner.metrics;

import java.util.Map;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.metrics.MetricsConfig;
import org.beamsamza.runtime.metrics.MetricsReporter;
import org.beamsamza.runtime.metrics.MetricsReporterFactory;
import org.beamsamza.runtime.metrics.MetricsSnapshotReporter;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;

/**
 * The snapshot reporter with JSON snapshots ({@link JsonSnapshotSerde}), configured as Samza's:
 * {@code metrics.reporter.<name>.stream} is {@code <system>.<stream>}, {@code
 * metrics.reporter.<name>.interval.ms} the period; the header's job name and id come from {@code
 * job.name} and {@code job.id}.
 */
public final class SnapshotReporterFactory implements MetricsReporterFactory {
  public static final String JOB_NAME = MetricsConfig.JOB_NAME;
  public static final String JOB_ID = MetricsConfig.JOB_ID;

  @Override
  public MetricsReporter getMetricsReporter(
      String name, String containerId, Config config, Map<String, SystemFactory> systems) {
    String streamKey = MetricsConfig.reporterKey(name, "stream");
    String spec = config.get(streamKey);
    int dot = spec == null ? -1 : spec.indexOf('.');
    if (dot <= 0 || dot == spec.length() - 1) {
      throw new IllegalArgumentException(
          "Metrics reporter '"
              + name
              + "': "
              + streamKey
              + " must be <system>.<stream>, was "
              + spec);
    }
    String system = spec.substring(0, dot);
    SystemFactory factory = systems.get(system);
    if (factory == null) {
      throw new IllegalArgumentException(
          "Metrics reporter '"
              + name
              + "': "
              + streamKey
              + " names system "
              + system
              + ", which the container does not have (it has "
              + systems.keySet()
              + ")");
    }
    return new MetricsSnapshotReporter(
        new SystemStream(system, spec.substring(dot + 1)),
        factory.getProducer(system, config),
        new JsonSnapshotSerde(),
        config.get(JOB_NAME, "unknown"),
        config.get(JOB_ID, "unknown"),
        containerId,
        config.getLong(MetricsConfig.reporterKey(name, "interval.ms"), 60_000));
  }
}
