package org.beamsamza.yarn.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamsamza.yarn.client.YarnPipelineResult;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A container process killed with SIGKILL mid-run: the ApplicationMaster starts a replacement,
 * whose tasks restore their state from the changelog and read on from their checkpoints, and the
 * final counts hold every input record.
 */
public class YarnContainerKillTest {
  private static YarnTestCluster cluster;

  @BeforeClass
  public static void start() throws Exception {
    cluster = YarnTestCluster.start("yarn-kill");
  }

  @AfterClass
  public static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static final int KEYS = 100;
  static final int PER_HALF = 20_000;

  @Test
  public void aKilledContainerIsReplacedAndTheCountsHoldEveryRecord() throws Exception {
    cluster.createTopic("kill-in", 4);
    cluster.createTopic("kill-out", 2);
    Map<String, Long> expected = new HashMap<>();
    produce("kill-in", 0, PER_HALF, expected);

    // Unbounded: a running count per key (global window, fired for every element, accumulating),
    // so the last value written for a key is its count of everything read.
    java.nio.file.Path storeBaseDir =
        java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "yarn-kill-stores")
            .toAbsolutePath();
    Pipeline p =
        Pipeline.create(
            cluster.options(
                "--jobName=yarn-kill",
                "--containerRetryBackoffMs=200",
                "--storeBaseDir=" + storeBaseDir));
    p.apply(
            "ReadKafka",
            KafkaIO.<String, String>read()
                .withBootstrapServers(cluster.kafka.bootstrapServers())
                .withTopic("kill-in")
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerConfigUpdates(Map.of("auto.offset.reset", "earliest"))
                .withoutMetadata())
        .apply(
            Window.<org.apache.beam.sdk.values.KV<String, String>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .accumulatingFiredPanes()
                .withAllowedLateness(org.joda.time.Duration.ZERO))
        .apply(Count.perKey())
        .apply(
            "WriteKafka",
            KafkaIO.<String, Long>write()
                .withBootstrapServers(cluster.kafka.bootstrapServers())
                .withTopic("kill-out")
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(LongSerializer.class));

    long submitted = System.nanoTime();
    YarnPipelineResult result = (YarnPipelineResult) p.run();
    try {
      YarnTestCluster.await(
          "a first count on the output topic",
          Duration.ofMinutes(3),
          () -> !cluster.lastCounts("kill-out").isEmpty());
      System.out.printf(
          "run() to first record processed (first count on the output topic): %d ms%n",
          (System.nanoTime() - submitted) / 1_000_000);
      YarnTestCluster.await(
          "the first half counted",
          Duration.ofMinutes(3),
          () -> cluster.lastCounts("kill-out").equals(expected));

      long pid = pidOf(result, "0");
      long killed = System.nanoTime();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
      YarnTestCluster.await(
          "container 0 replaced",
          Duration.ofMinutes(3),
          () ->
              result.getContainerRestarts().getOrDefault("0", 0) == 1
                  && pidOrZero(result, "0") != 0);
      long replaced = System.nanoTime();
      produce("kill-in", PER_HALF, 2 * PER_HALF, expected);
      YarnTestCluster.await(
          "every record counted after the restart",
          Duration.ofMinutes(3),
          () -> cluster.lastCounts("kill-out").equals(expected));
      System.out.printf(
          "SIGKILL to replacement running: %d ms; to every record of both halves counted: %d ms%n",
          (replaced - killed) / 1_000_000, (System.nanoTime() - killed) / 1_000_000);

      assertThat(cluster.lastCounts("kill-out"), equalTo(expected));
      assertThat(result.getState(), equalTo(PipelineResult.State.RUNNING));
      assertStatusCommandShowsTheRestart(result);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          e.getMessage()
              + "\ncontainer logs:\n"
              + cluster.yarn.containerLogs(result.getApplicationId()),
          e);
    } finally {
      result.cancel();
    }
    assertThat(result.getState(), equalTo(PipelineResult.State.CANCELLED));
    // Cancelling stops the containers with SIGTERM: each commits and closes its stores cleanly,
    // leaving an OFFSET file that a later run on this host reuses the store with.
    YarnTestCluster.await(
        "both containers' stores closed cleanly (OFFSET files under " + storeBaseDir + ")",
        Duration.ofMinutes(1),
        () -> offsetFiles(storeBaseDir) >= 2);
  }

  /** {@code beam-samza-yarn status --json} of the running job: its containers and the restart. */
  @SuppressWarnings("unchecked")
  private static void assertStatusCommandShowsTheRestart(YarnPipelineResult result)
      throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine cli = org.beamsamza.yarn.cli.BeamSamzaYarn.commandLine();
    cli.setOut(new java.io.PrintWriter(out, true));
    int exit =
        cli.execute(
            "status",
            result.getApplicationId().toString(),
            "--hadoop-conf-dir",
            cluster.yarn.confDir().toString(),
            "--json");
    assertThat(exit, equalTo(0));
    Map<String, Object> status =
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(out.toString(), Map.class);
    assertThat(status.get("state"), equalTo("RUNNING"));
    Map<String, Object> job = (Map<String, Object>) status.get("job");
    List<Map<String, Object>> containers = (List<Map<String, Object>>) job.get("containers");
    assertThat(containers.size(), equalTo(2));
    assertThat(containers.get(0).get("restarts"), equalTo(1));
    assertThat(containers.get(1).get("restarts"), equalTo(0));
  }

  /** How many containers left clean-close markers ({@code OFFSET} files) in their stores. */
  private static long offsetFiles(java.nio.file.Path dir) {
    try (var files = java.nio.file.Files.walk(dir)) {
      return files
          .filter(f -> f.getFileName().toString().equals("OFFSET"))
          .map(f -> dir.relativize(f).getName(1).toString()) // <job>-<id>/container-<n>/...
          .distinct()
          .count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Records {@code from..to} over {@value #KEYS} keys across the topic's partitions. */
  private static void produce(String topic, int from, int to, Map<String, Long> expected) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = from; i < to; i++) {
        String key = "k" + (i * 7919L % KEYS);
        producer.send(
            new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                ("v" + i).getBytes(StandardCharsets.UTF_8)));
        expected.merge(key, 1L, Long::sum);
      }
      producer.flush();
    }
  }

  private static long pidOf(YarnPipelineResult result, String containerId) {
    long pid = pidOrZero(result, containerId);
    if (pid == 0) {
      throw new AssertionError("No pid for container " + containerId + " in " + result.status());
    }
    return pid;
  }

  @SuppressWarnings("unchecked")
  private static long pidOrZero(YarnPipelineResult result, String containerId) {
    for (Map<String, Object> c : (List<Map<String, Object>>) result.status().get("containers")) {
      if (containerId.equals(c.get("id")) && c.get("pid") != null) {
        return ((Number) c.get("pid")).longValue();
      }
    }
    return 0;
  }
}
