package org.beamsamza.kafkaio;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;

/**
 * The Kafka-to-Kafka keyed count the tests run: KafkaIO read (event time from the records' create
 * time) -> fixed windows -> Count.perKey -> KafkaIO write of {@code key@windowStart -> count}; and
 * the input records with the counts the test expects, computed here from what it writes.
 */
final class KeyedCountJob {
  static final Duration WINDOW = Duration.standardSeconds(30);

  private KeyedCountJob() {}

  static KafkaIO.Read<String, String> read(String bootstrap, String topic) {
    return KafkaIO.<String, String>read()
        .withBootstrapServers(bootstrap)
        .withTopic(topic)
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(StringDeserializer.class)
        .withConsumerConfigUpdates(Map.of("auto.offset.reset", "earliest"))
        .withCreateTime(Duration.standardSeconds(1));
  }

  static void build(Pipeline p, KafkaIO.Read<String, String> read, String bootstrap, String out) {
    p.apply("ReadKafka", read.withoutMetadata())
        .apply(Window.into(FixedWindows.of(WINDOW)))
        .apply(Count.perKey())
        .apply(ParDo.of(new KeyByWindow()))
        .apply(
            "WriteKafka",
            KafkaIO.<String, Long>write()
                .withBootstrapServers(bootstrap)
                .withTopic(out)
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(LongSerializer.class));
  }

  /** {@code key -> count} in a window becomes {@code key@windowStartMillis -> count}. */
  static final class KeyByWindow extends DoFn<KV<String, Long>, KV<String, Long>> {
    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      c.output(
          KV.of(
              c.element().getKey() + "@" + ((IntervalWindow) window).start().getMillis(),
              c.element().getValue()));
    }
  }

  /** Input records and the counts they must produce. */
  static final class Input {
    final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    final Map<String, Long> expected = new HashMap<>();
  }

  /**
   * {@code n} records over {@code keys} keys with create times spread over {@code spanMs} from an
   * hour ago (window aligned), in time order (so each partition's timestamps rise: none is late).
   */
  static Input input(String topic, int n, int keys, long spanMs) {
    Input input = new Input();
    long now = System.currentTimeMillis();
    long base = now - 3_600_000L;
    base -= base % WINDOW.getMillis();
    for (int i = 0; i < n; i++) {
      String key = String.format("k%03d", (int) ((i * 7919L) % keys));
      long ts = base + (long) i * spanMs / n;
      input.records.add(
          new ProducerRecord<>(
              topic,
              null,
              ts,
              key.getBytes(StandardCharsets.UTF_8),
              ("v" + i).getBytes(StandardCharsets.UTF_8)));
      input.expected.merge(key + "@" + (ts - ts % WINDOW.getMillis()), 1L, Long::sum);
    }
    return input;
  }

  /** The output topic as it is read: last count per key, and how many times a key came. */
  static final class Output {
    final Map<String, Long> counts = new HashMap<>();
    final Map<String, Integer> times = new HashMap<>();

    void add(ConsumerRecord<byte[], byte[]> r) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      counts.put(key, ByteBuffer.wrap(r.value()).getLong());
      times.merge(key, 1, Integer::sum);
    }

    int duplicates() {
      return times.values().stream().mapToInt(t -> t - 1).sum();
    }
  }
}
