package org.beamsamza.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The consumer's record-metadata mode ({@code samza.record.metadata}) and its offset default
 * ({@code samza.offset.default}) on a real broker: records come with timestamp, timestamp type,
 * headers and the lag behind them, a partition read to its end says so once, and a partition
 * without a starting offset starts at the oldest record or after the newest.
 */
public class KafkaRecordMetadataConsumerTest {
  private static final String SYSTEM = "kafkaio-0";
  private static EmbeddedKafkaBroker broker;

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

  private static SystemStreamPartition topic(String name) {
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin(SYSTEM, broker.systemConfig(SYSTEM))) {
      admin.createStream(new StreamSpec(new SystemStream(SYSTEM, name), 1, false, Map.of()));
    }
    return new SystemStreamPartition(SYSTEM, name, 0);
  }

  private static void produce(String topic, int from, int to) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("key.serializer", ByteArraySerializer.class);
    props.put("value.serializer", ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = from; i < to; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("n", bytes("" + i));
        producer.send(
            new ProducerRecord<>(
                topic, 0, 1_000_000L + i, bytes("k" + i), bytes("v" + i), headers));
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static SystemConsumer consumer(
      SystemStreamPartition ssp, String offsetDefault, String startingOffset) {
    Config config =
        broker.systemConfig(
            SYSTEM,
            Map.of(
                "systems." + SYSTEM + ".samza.record.metadata",
                "true",
                "systems." + SYSTEM + ".samza.offset.default",
                offsetDefault));
    SystemConsumer consumer = new KafkaSystemFactory().getConsumer(SYSTEM, config);
    consumer.register(ssp, startingOffset);
    consumer.start();
    return consumer;
  }

  /** Polls until {@code done} holds for what arrived (30 s at most). */
  private static List<IncomingMessageEnvelope> pollUntil(
      SystemConsumer consumer,
      SystemStreamPartition ssp,
      Predicate<List<IncomingMessageEnvelope>> done)
      throws Exception {
    List<IncomingMessageEnvelope> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!done.test(out)) {
      assertTrue("waited 30 s; got " + out, System.currentTimeMillis() < deadline);
      List<IncomingMessageEnvelope> batch = consumer.poll(Set.of(ssp), 100).get(ssp);
      if (batch != null) {
        out.addAll(batch);
      }
    }
    return out;
  }

  private static boolean caughtUp(List<IncomingMessageEnvelope> envelopes) {
    if (envelopes.isEmpty()) {
      return false;
    }
    Object last = envelopes.get(envelopes.size() - 1).getMessage();
    return last instanceof KafkaRecordMetadata.CaughtUp
        || (last instanceof KafkaRecordMetadata.Record r && r.backlog() == 0);
  }

  @Test
  public void recordsCarryTheirMetadataAndTheEndOfThePartitionIsSaidOnce() throws Exception {
    SystemStreamPartition ssp = topic("metadata");
    produce("metadata", 0, 5);
    SystemConsumer consumer = consumer(ssp, "oldest", null);
    try {
      List<IncomingMessageEnvelope> got =
          pollUntil(consumer, ssp, envelopes -> envelopes.size() >= 5 && caughtUp(envelopes));
      for (int i = 0; i < 5; i++) {
        IncomingMessageEnvelope e = got.get(i);
        assertThat(e.getOffset(), equalTo("" + i));
        KafkaRecordMetadata.Record r = (KafkaRecordMetadata.Record) e.getMessage();
        assertThat(new String(r.key(), StandardCharsets.UTF_8), equalTo("k" + i));
        assertThat(new String(r.value(), StandardCharsets.UTF_8), equalTo("v" + i));
        assertThat(r.timestamp(), equalTo(1_000_000L + i));
        assertThat("create time", r.timestampType(), equalTo(0));
        assertThat(r.headers().get(0).key(), equalTo("n"));
        assertThat(new String(r.headers().get(0).value(), StandardCharsets.UTF_8), equalTo("" + i));
      }
      // Read to the end: the last record says backlog 0, or a marker at offset 4 follows; never
      // both, and nothing more while idle.
      List<IncomingMessageEnvelope> idle = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        List<IncomingMessageEnvelope> batch = consumer.poll(Set.of(ssp), 50).get(ssp);
        if (batch != null) {
          idle.addAll(batch);
        }
      }
      List<IncomingMessageEnvelope> all = new ArrayList<>(got);
      all.addAll(idle);
      long markers =
          all.stream().filter(e -> e.getMessage() instanceof KafkaRecordMetadata.CaughtUp).count();
      boolean lastRecordSaidIt =
          ((KafkaRecordMetadata.Record) got.get(4).getMessage()).backlog() == 0;
      assertThat(markers, equalTo(lastRecordSaidIt ? 0L : 1L));
      if (markers == 1) {
        IncomingMessageEnvelope marker = all.get(all.size() - 1);
        assertThat(marker.getMessage(), instanceOf(KafkaRecordMetadata.CaughtUp.class));
        assertThat("the offset before the consumer's position", marker.getOffset(), equalTo("4"));
      }
      // New records: their backlog counts down to 0.
      produce("metadata", 5, 8);
      List<IncomingMessageEnvelope> more =
          pollUntil(consumer, ssp, envelopes -> envelopes.size() >= 3);
      assertThat(more.get(0).getOffset(), equalTo("5"));
      assertThat(
          ((KafkaRecordMetadata.Record) more.get(more.size() - 1).getMessage()).backlog(),
          equalTo(0L));
    } finally {
      consumer.stop();
    }
  }

  @Test
  public void withoutAnOffsetAPartitionStartsAtTheOldestOrAfterTheNewest() throws Exception {
    SystemStreamPartition ssp = topic("defaults");
    produce("defaults", 0, 3);
    SystemConsumer upcoming = consumer(ssp, "upcoming", null);
    SystemConsumer oldest = consumer(ssp, "oldest", null);
    SystemConsumer registered = consumer(ssp, "upcoming", "1");
    try {
      // "upcoming" fixed its position at start: what is written now is what it reads first.
      produce("defaults", 3, 4);
      List<IncomingMessageEnvelope> fromUpcoming =
          pollUntil(
              upcoming, ssp, envelopes -> envelopes.stream().anyMatch(e -> e.getKey() != null));
      assertThat(
          fromUpcoming.stream().filter(e -> e.getKey() != null).findFirst().get().getOffset(),
          equalTo("3"));
      assertThat(pollUntil(oldest, ssp, e -> !e.isEmpty()).get(0).getOffset(), equalTo("0"));
      assertThat(pollUntil(registered, ssp, e -> !e.isEmpty()).get(0).getOffset(), equalTo("1"));
    } finally {
      upcoming.stop();
      oldest.stop();
      registered.stop();
    }
  }
}
