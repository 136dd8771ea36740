package org.beamsamza.runner.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.TestSamzaRunner;
import org.beamsamza.runtime.metrics.MetricsSnapshot;
import org.beamsamza.translation.metrics.SystemMetrics;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * The snapshot reporter on a real Kafka broker: a consumer of the {@code metrics} topic rebuilds
 * the job's counts from the newest snapshot of every container and task, and they match what the
 * pipeline processed and what Beam's own metrics say.
 */
public class MetricsSnapshotStreamTest {
  private static final int ELEMENTS = 10_000;
  private static EmbeddedKafkaBroker broker;
  private static final String TOPIC = "metrics-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Rule public final transient TestPipeline pipeline = TestPipeline.fromOptions(options());

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setJobName("metrics-snapshots");
    options.setParallelism(2);
    options.setContainers(2);
    options.setSystem("kafka");
    options.setKafkaBootstrapServers(broker.bootstrapServers());
    options.setMetricsReporters("jmx,snapshot");
    options.setMetricsSnapshotStream(TOPIC);
    options.setMetricsSnapshotIntervalMs(100);
    return options;
  }

  /** Keys by the last digit, counting in a user metric. */
  static final class KeyFn extends DoFn<Long, KV<Long, Long>> {
    private final Counter keyed = Metrics.counter("test", "keyed");

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KV<Long, Long>> out) {
      keyed.inc();
      out.output(KV.of(i % 10, i));
    }
  }

  @Test
  public void snapshotsOnTheMetricsTopicAddUpToTheJobsTotals() throws Exception {
    PCollection<Long> sums =
        pipeline
            .apply(GenerateSequence.from(0).to(ELEMENTS))
            .apply("Key", ParDo.of(new KeyFn()))
            .apply("CountPerKey", Count.perKey())
            .apply(Values.create())
            .apply(Sum.longsGlobally());
    PAssert.thatSingleton(sums).isEqualTo((long) ELEMENTS);
    PipelineResult result = pipeline.run();

    List<byte[]> records = readTopic(TOPIC);
    assertThat(records, not(empty()));
    ObjectMapper json = new ObjectMapper();
    JsonSnapshotSerde serde = new JsonSnapshotSerde();
    // The newest snapshot of each container instance's source: counters are cumulative.
    Map<String, MetricsSnapshot> newest = new HashMap<>();
    for (byte[] bytes : records) {
      JsonNode tree = json.readTree(bytes);
      assertTrue("header and metrics: " + tree, tree.has("header") && tree.has("metrics"));
      MetricsSnapshot s = serde.fromBytes(bytes);
      MetricsSnapshot.Header h = s.header();
      assertEquals("metrics-snapshots", h.jobName());
      assertNotNull(h.containerName());
      assertNotNull(h.host());
      assertEquals(MetricsSnapshot.VERSION, h.version());
      String id = h.containerName() + "|" + h.resetTime() + "|" + h.source();
      MetricsSnapshot old = newest.get(id);
      if (old == null || old.header().time() <= h.time()) {
        newest.put(id, s);
      }
    }

    long containerProcessed = 0;
    long producerSends = 0;
    long taskProcessed = 0;
    Map<String, Long> stepIn = new HashMap<>();
    Map<String, Long> stepOut = new HashMap<>();
    Map<String, Long> user = new HashMap<>();
    int tasks = 0;
    for (MetricsSnapshot s : newest.values()) {
      if (s.header().source().equals("container")) {
        containerProcessed += number(s.metrics().get("container").get("messages-processed"));
        Map<String, Object> producer = s.metrics().get("kafka-producer");
        assertNotNull("the Kafka producer's metrics, back-pressure among them", producer);
        producerSends += ((Number) producer.get("record-send-total")).longValue();
        assertTrue(producer.toString(), producer.get("buffer-wait-ns") instanceof Number);
        continue;
      }
      tasks++;
      Map<String, Object> task = s.metrics().get("task");
      taskProcessed += number(task.get("messages-processed"));
      task.forEach(
          (name, value) -> {
            if (name.endsWith("-lag")) {
              assertNotNull(s.header().source() + " " + name + " known", value);
              assertEquals(s.header().source() + " " + name + " at the end", 0L, number(value));
            }
          });
      s.metrics()
          .getOrDefault("user", Map.of())
          .forEach((name, value) -> user.merge(name, number(value), Long::sum));
      s.metrics()
          .getOrDefault("step", Map.of())
          .forEach(
              (name, value) -> {
                if (name.endsWith(":elements-in")) {
                  stepIn.merge(name.substring(0, name.lastIndexOf(':')), number(value), Long::sum);
                } else if (name.endsWith(":elements-out")) {
                  stepOut.merge(name.substring(0, name.lastIndexOf(':')), number(value), Long::sum);
                }
              });
    }
    assertThat("task snapshots", tasks, greaterThan(1));
    assertThat("records the containers' producers sent to Kafka", producerSends, greaterThan(0L));
    assertEquals(
        "the containers processed what their tasks processed", taskProcessed, containerProcessed);
    String keyStep = only(stepIn, "Key");
    assertEquals("every element reached the keying step", ELEMENTS, (long) stepIn.get(keyStep));
    assertEquals(ELEMENTS, (long) stepOut.get(keyStep));
    assertEquals(
        "the DoFn's own counter, tagged by its step",
        Long.valueOf(ELEMENTS),
        user.get(keyStep + ":test:keyed"));
    // The same count as Beam's own metric of the step (the job's totals).
    long beamOut = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(
                        MetricNameFilter.named(
                            SystemMetrics.ELEMENTS_OUT.getNamespace(),
                            SystemMetrics.ELEMENTS_OUT.getName()))
                    .build())
            .getCounters()) {
      if (c.getKey().stepName().equals(keyStep)) {
        beamOut += c.getAttempted();
      }
    }
    assertEquals(beamOut, (long) stepOut.get(keyStep));
  }

  private static String only(Map<String, Long> steps, String prefix) {
    List<String> matching = new ArrayList<>();
    for (String step : steps.keySet()) {
      if (step.startsWith(prefix)) {
        matching.add(step);
      }
    }
    assertEquals("steps named " + prefix + "*: " + steps.keySet(), 1, matching.size());
    return matching.get(0);
  }

  private static long number(Object value) {
    assertNotNull(value);
    return ((Number) value).longValue();
  }

  /** Every record of the one-partition topic, up to its end offset as it is now. */
  private static List<byte[]> readTopic(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
