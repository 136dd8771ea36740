package org.beamsamza.runner.metrics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.beamsamza.runtime.metrics.MetricsSnapshot;
import org.beamsamza.runtime.metrics.MetricsSnapshotSerde;

/**
 * Metrics snapshots as JSON (Jackson, which Beam already brings), in the shape of Samza's: {@code
 * {"header": {"job-name", "job-id", "container-name", "source", "host", "reset-time", "time",
 * "version"}, "metrics": {group: {name: value}}}}.
 */
public final class JsonSnapshotSerde implements MetricsSnapshotSerde {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Map<String, Object>>> SECTIONS =
      new TypeReference<>() {};

  @Override
  public byte[] toBytes(MetricsSnapshot snapshot) {
    MetricsSnapshot.Header h = snapshot.header();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("job-name", h.jobName());
    header.put("job-id", h.jobId());
    header.put("container-name", h.containerName());
    header.put("source", h.source());
    header.put("host", h.host());
    header.put("reset-time", h.resetTime());
    header.put("time", h.time());
    header.put("version", h.version());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("header", header);
    json.put("metrics", snapshot.metrics());
    try {
      return JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write metrics snapshot of " + h.source(), e);
    }
  }

  @Override
  public MetricsSnapshot fromBytes(byte[] bytes) {
    try {
      Map<String, Map<String, Object>> json = JSON.readValue(bytes, SECTIONS);
      Map<String, Object> h = json.get("header");
      if (h == null) {
        throw new IllegalArgumentException("A metrics snapshot without a header");
      }
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> metrics =
          JSON.convertValue(json.getOrDefault("metrics", Map.of()), Map.class);
      return new MetricsSnapshot(
          new MetricsSnapshot.Header(
              (String) h.get("job-name"),
              (String) h.get("job-id"),
              (String) h.get("container-name"),
              (String) h.get("source"),
              (String) h.get("host"),
              ((Number) h.get("reset-time")).longValue(),
              ((Number) h.get("time")).longValue(),
              ((Number) h.get("version")).intValue()),
          metrics);
    } catch (IOException e) {
      throw new IllegalArgumentException("Not a metrics snapshot: " + e.getMessage(), e);
    }
  }
}
