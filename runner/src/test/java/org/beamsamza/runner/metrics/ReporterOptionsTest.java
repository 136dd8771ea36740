package org.beamsamza.runner.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runtime.metrics.MetricsConfig;
import org.beamsamza.runtime.metrics.MetricsSnapshot;
import org.junit.Test;

public class ReporterOptionsTest {
  private static SamzaPipelineOptions options(String reporters) {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setMetricsReporters(reporters);
    options.setJobId("j1");
    return options;
  }

  @Test
  public void anUnknownReporterFailsAtRunNamingTheOption() {
    Pipeline p = Pipeline.create(options("jmx, graphite"));
    p.apply(Create.of(1, 2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--metricsReporters: unknown reporter 'graphite'"));
  }

  @Test
  public void snapshotReporterConfigNamesItsStreamOnTheJobsSystem() {
    SamzaPipelineOptions options = options("snapshot");
    options.setMetricsSnapshotStream("ops-metrics");
    options.setMetricsSnapshotIntervalMs(500);
    Map<String, String> config = ReporterOptions.config(options, "kafka", "wordcount");
    assertEquals("snapshot", config.get(MetricsConfig.REPORTERS));
    assertEquals("kafka.ops-metrics", config.get(MetricsConfig.reporterKey("snapshot", "stream")));
    assertEquals("500", config.get(MetricsConfig.reporterKey("snapshot", "interval.ms")));
    assertEquals("wordcount", config.get(SnapshotReporterFactory.JOB_NAME));
    assertEquals("j1", config.get(SnapshotReporterFactory.JOB_ID));
  }

  @Test
  public void emptyListMeansNoReporters() {
    assertEquals(
        "", ReporterOptions.config(options(""), "inmemory", "j").get(MetricsConfig.REPORTERS));
  }

  @Test
  public void jsonSnapshotsRoundTripInSamzasShape() throws Exception {
    Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
    metrics.put("task", Map.of("messages-processed", 42L));
    MetricsSnapshot s =
        new MetricsSnapshot(
            new MetricsSnapshot.Header("job", "id", "c0", "task T0", "h", 1L, 2L, 1), metrics);
    JsonSnapshotSerde serde = new JsonSnapshotSerde();
    String text = new String(serde.toBytes(s), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text, containsString("\"job-name\":\"job\""));
    assertThat(text, containsString("\"reset-time\":1"));
    MetricsSnapshot back = serde.fromBytes(serde.toBytes(s));
    assertEquals(s.header(), back.header());
    assertEquals(42, ((Number) back.metrics().get("task").get("messages-processed")).intValue());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> serde.fromBytes("{\"metrics\":{}}".getBytes()));
    assertThat(e.getMessage(), containsString("without a header"));
  }
}
