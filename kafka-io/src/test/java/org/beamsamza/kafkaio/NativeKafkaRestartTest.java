package org.beamsamza.kafkaio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.junit.Test;

/**
 * A native KafkaIO keyed, stateful job on {@code --system=kafka} (checkpoints and changelogs on the
 * broker) cancelled mid-way and started again with the same {@code --jobName}/{@code --jobId}: it
 * resumes from the topic offsets in its checkpoints. Input also arrives while it is down. Every
 * input record reaches the output at least once (none lost: not restarted from the latest offset);
 * the replayed records (duplicates) are at most those after the last checkpoint (not restarted from
 * the earliest offset); and each key's count state went on from its restored value.
 */
public class NativeKafkaRestartTest {
  static final int PER_RUN = 100_000;
  static final int KEYS = 50;

  /** Per key: how many records it has seen, emitted with each record's position. */
  static final class CountPerKey extends DoFn<KV<String, String>, KV<String, String>> {
    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value(VarLongCoder.of());

    @ProcessElement
    public void process(
        @Element KV<String, String> e,
        @StateId("count") ValueState<Long> count,
        OutputReceiver<KV<String, String>> out) {
      Long c = count.read();
      long next = (c == null ? 0 : c) + 1;
      count.write(next);
      out.output(KV.of(e.getKey(), e.getValue() + ":" + next));
    }
  }

  /** A record as {@code key -> "partition:offset"}, counted. */
  static final class ToKv extends DoFn<KafkaRecord<String, String>, KV<String, String>> {
    private final Counter read = Metrics.counter(NativeKafkaRestartTest.class, "read");

    @ProcessElement
    public void process(
        @Element KafkaRecord<String, String> r, OutputReceiver<KV<String, String>> out) {
      read.inc();
      out.output(KV.of(r.getKV().getKey(), r.getPartition() + ":" + r.getOffset()));
    }
  }

  private static long readCount(PipelineResult run) {
    long total = 0;
    for (MetricResult<Long> c :
        run.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(NativeKafkaRestartTest.class, "read"))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  @Test
  public void cancelledJobResumesFromCheckpointedTopicOffsets() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaTopics topics = new KafkaTopics(broker);
      topics.create("restart-in", 4);
      topics.create("restart-out", 4);
      topics.write(records(0, PER_RUN));

      PipelineResult first = pipeline(broker).run();
      String checkpointTopic = "beamsamza-restart-1-native-restart-checkpoints";
      // Cancel as soon as every input partition has a checkpointed offset: mid-way through the
      // first half, or just after it.
      KafkaTopics.await(
          "every input partition has a checkpoint",
          () -> committedInput(broker, checkpointTopic).size() == 4,
          first);
      first.cancel();
      assertThat(first.getState(), equalTo(PipelineResult.State.CANCELLED));
      Map<Integer, Long> committed = committedInput(broker, checkpointTopic);

      topics.write(records(PER_RUN, 2 * PER_RUN)); // arrives while the job is down
      Set<String> expected = new HashSet<>();
      Map<String, Long> perKey = new HashMap<>();
      topics.readAvailable(
          "restart-in",
          r -> {
            expected.add(r.partition() + ":" + r.offset());
            perKey.merge(new String(r.key(), StandardCharsets.UTF_8), 1L, Long::sum);
          });
      assertThat(expected.size(), equalTo(2 * PER_RUN));

      PipelineResult second = pipeline(broker).run();
      Map<String, Integer> seen = new HashMap<>();
      Map<String, Long> maxCount = new HashMap<>();
      try {
        topics.readUntil(
            "restart-out",
            r -> {
              String[] v = new String(r.value(), StandardCharsets.UTF_8).split(":");
              seen.merge(v[0] + ":" + v[1], 1, Integer::sum);
              maxCount.merge(
                  new String(r.key(), StandardCharsets.UTF_8), Long.parseLong(v[2]), Math::max);
            },
            () -> seen.keySet().containsAll(expected),
            second);
      } finally {
        second.cancel();
      }
      List<String> unexpected = new ArrayList<>(seen.keySet());
      unexpected.removeAll(expected);
      assertThat("outputs of records never written", unexpected, empty());
      // Run 2's read started after each partition's checkpoint: it read exactly the records after
      // those offsets (from the earliest offset it would have read all; from the latest, none).
      long afterCheckpoints = 2L * PER_RUN;
      for (long offset : committed.values()) {
        afterCheckpoints -= offset + 1;
      }
      assertThat("records run 2 read", readCount(second), equalTo(afterCheckpoints));
      // Records delivered twice: work run 1 did after its last checkpoint (in the read stage or the
      // stateful stage downstream, whose own checkpoint covers its repartition-topic input),
      // replayed by run 2. Reported, not bounded: when run 1's writes landed is not observable.
      int duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
      perKey.forEach(
          (key, n) ->
              assertThat(
                  "count state of " + key + " restored",
                  maxCount.get(key),
                  greaterThanOrEqualTo(n)));
      System.out.printf(
          "native KafkaIO restart: run 1 checkpointed input offsets %s; run 2 read %d records and"
              + " delivered %d of %d a second time%n",
          committed, afterCheckpoints, duplicates, 2 * PER_RUN);
    }
  }

  private static Pipeline pipeline(EmbeddedKafkaBroker broker) {
    SamzaPipelineOptions options = NativeKafkaReadTest.options("native-restart");
    options.setJobId("restart-1");
    options.setSystem("kafka");
    options.setKafkaBootstrapServers(broker.bootstrapServers());
    options.setStateChangelog(true);
    options.setCommitMs(200);
    Pipeline p = Pipeline.create(options);
    p.apply(
            "ReadKafka",
            KafkaIO.<String, String>read()
                .withBootstrapServers(broker.bootstrapServers())
                .withTopic("restart-in")
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerConfigUpdates(Map.of("auto.offset.reset", "earliest")))
        .apply("ToKV", ParDo.of(new ToKv()))
        .apply(ParDo.of(new CountPerKey()))
        .apply(
            KafkaIO.<String, String>write()
                .withBootstrapServers(broker.bootstrapServers())
                .withTopic("restart-out")
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class));
    return p;
  }

  private static List<ProducerRecord<byte[], byte[]>> records(int from, int to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(
          new ProducerRecord<>(
              "restart-in",
              ("k" + (i * 31 % KEYS)).getBytes(StandardCharsets.UTF_8),
              ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return records;
  }

  /** The last checkpointed offset of each input partition (read back as a new run would). */
  private static Map<Integer, Long> committedInput(EmbeddedKafkaBroker broker, String topic) {
    Map<Integer, Long> offsets = new HashMap<>();
    KafkaCheckpointManager manager =
        new KafkaCheckpointManager("kafka", broker.systemConfig("kafka"), topic);
    try {
      manager.start();
      for (Checkpoint cp : manager.getCheckpoints().values()) {
        cp.getOffsets()
            .forEach(
                (SystemStreamPartition ssp, String offset) -> {
                  if (ssp.getSystem().startsWith("kafkaio-") && Long.parseLong(offset) >= 0) {
                    offsets.put(ssp.getPartition(), Long.parseLong(offset));
                  }
                });
      }
    } catch (RuntimeException notThereYet) {
      return Map.of();
    } finally {
      manager.stop();
    }
    return offsets;
  }
}
