package org.beamsamza.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The system contract of {@code InMemorySystemTest}, on a real Kafka broker. */
public class KafkaSystemTest {
  private static final String SYSTEM = "kafka";
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static EmbeddedKafkaBroker broker;

  private final KafkaSystemFactory factory = new KafkaSystemFactory();
  private final List<AutoCloseable> toClose = new ArrayList<>();

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

  @After
  public void closeClients() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private static SystemStream newStream() {
    return new SystemStream(SYSTEM, "topic-" + TOPICS.incrementAndGet());
  }

  private Config config() {
    return broker.systemConfig(SYSTEM);
  }

  private KafkaSystemAdmin admin() {
    KafkaSystemAdmin admin = factory.getAdmin(SYSTEM, config());
    toClose.add(admin);
    return admin;
  }

  private SystemProducer producer(Config config) {
    SystemProducer producer = factory.getProducer(SYSTEM, config);
    producer.start();
    toClose.add(producer::stop);
    return producer;
  }

  private SystemConsumer consumer(Config config, Map<SystemStreamPartition, String> registrations) {
    SystemConsumer consumer = factory.getConsumer(SYSTEM, config);
    registrations.forEach(consumer::register);
    consumer.start();
    toClose.add(consumer::stop);
    return consumer;
  }

  private static byte[] bytes(String v) {
    return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(Object b) {
    return b == null ? null : new String((byte[]) b, StandardCharsets.UTF_8);
  }

  /** Polls until {@code count} messages of {@code ssp} arrived (30 s at most). */
  private static List<IncomingMessageEnvelope> read(
      SystemConsumer consumer, SystemStreamPartition ssp, int count, int maxBatch)
      throws Exception {
    List<IncomingMessageEnvelope> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 30_000;
    while (out.size() < count) {
      assertTrue(
          "only " + out.size() + " of " + count + " messages of " + ssp + " arrived",
          System.currentTimeMillis() < deadline);
      List<IncomingMessageEnvelope> batch = consumer.poll(Set.of(ssp), 200).get(ssp);
      if (batch != null) {
        assertThat(batch.size(), lessThanOrEqualTo(maxBatch));
        out.addAll(batch);
      }
    }
    return out;
  }

  private static List<String> offsets(List<IncomingMessageEnvelope> envelopes) {
    return envelopes.stream().map(IncomingMessageEnvelope::getOffset).toList();
  }

  @Test
  public void messagesAreOrderedPerPartitionAndReadableFromAnyOffset() throws Exception {
    SystemStream s = newStream();
    KafkaSystemAdmin admin = admin();
    assertTrue(admin.createStream(new StreamSpec(s, 2, false, Map.of())));
    assertNull(admin.getOldestOffset(s.partition(0)));
    assertNull(admin.getNewestOffset(s.partition(0)));

    SystemProducer producer = producer(config());
    for (int i = 0; i < 10; i++) {
      producer.send(new OutgoingMessageEnvelope(s, i % 2, bytes("k" + i), bytes("v" + i)));
    }
    producer.flush();

    // consumer settings pass through: at most 3 records per poll
    Config small =
        broker.systemConfig(SYSTEM, Map.of("systems.kafka.consumer.max.poll.records", "3"));
    java.util.HashMap<SystemStreamPartition, String> reg = new java.util.HashMap<>();
    reg.put(s.partition(0), "3");
    reg.put(s.partition(1), null);
    SystemConsumer consumer = consumer(small, reg);

    List<IncomingMessageEnvelope> p0 = read(consumer, s.partition(0), 2, 3);
    assertEquals(List.of("3", "4"), offsets(p0));
    assertEquals("k6", str(p0.get(0).getKey()));
    assertArrayEquals(bytes("v6"), (byte[]) p0.get(0).getMessage());
    assertEquals(4, p0.get(0).getSize());
    List<IncomingMessageEnvelope> p1 = read(consumer, s.partition(1), 5, 3);
    assertEquals(
        List.of("k1", "k3", "k5", "k7", "k9"), p1.stream().map(e -> str(e.getKey())).toList());
    assertEquals(List.of("0", "1", "2", "3", "4"), offsets(p1));
    assertEquals(s.partition(1), p1.get(0).getSystemStreamPartition());
    assertTrue(consumer.poll(Set.of(s.partition(0), s.partition(1)), 0).isEmpty());

    SystemConsumer bad = factory.getConsumer(SYSTEM, config());
    bad.register(s.partition(2), null);
    assertThat(
        assertThrows(IllegalStateException.class, bad::start).getMessage(),
        containsString("has only 2 partitions"));

    assertEquals("10", admin.getOffsetAfter(s.partition(0), "9"));
    assertTrue(admin.offsetComparator().compare("9", "10") < 0); // numeric, not lexical
    assertEquals(2, admin.getPartitionCount(s));
    assertEquals("0", admin.getOldestOffset(s.partition(0)));
    assertEquals("4", admin.getNewestOffset(s.partition(0)));
    assertFalse(admin.createStream(new StreamSpec(s, 2, false, Map.of())));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> admin.getPartitionCount(new SystemStream(SYSTEM, "no-such-topic")))
            .getMessage(),
        containsString("no-such-topic"));
  }

  @Test
  public void existingTopicWithOtherPartitionCountOrCleanupPolicyIsAClearError() {
    SystemStream s = newStream();
    KafkaSystemAdmin admin = admin();
    assertTrue(admin.createStream(new StreamSpec(s, 2, false, Map.of())));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> admin.createStream(new StreamSpec(s, 3, false, Map.of())));
    assertThat(
        e.getMessage(),
        allOf(containsString(s.getStream()), containsString("2 partitions"), containsString("3")));

    e =
        assertThrows(
            IllegalStateException.class,
            () ->
                admin.createStream(
                    new StreamSpec(s, 2, false, Map.of("cleanup.policy", "compact"))));
    assertThat(
        e.getMessage(),
        allOf(
            containsString(s.getStream()),
            containsString("cleanup.policy=delete"),
            containsString("cleanup.policy=compact")));
  }

  /**
   * Topic creation is asynchronous in Kafka (the controller first, brokers' metadata and leaders
   * after): createStream returns only once the topic is usable, so that a second admin, which
   * retries nothing for a topic it has not seen, lists offsets of every partition at once. Racy by
   * nature on the old code (it failed intermittently with UnknownTopicOrPartition), so repeated.
   */
  @Test
  public void freshTopicIsUsableAsSoonAsCreateStreamReturns() {
    KafkaSystemAdmin creator = admin();
    KafkaSystemAdmin other = admin();
    for (int i = 0; i < 10; i++) {
      SystemStream s = newStream();
      assertTrue(
          creator.createStream(new StreamSpec(s, 4, false, Map.of("cleanup.policy", "compact"))));
      assertEquals(4, other.getPartitionCount(s));
      for (int p = 0; p < 4; p++) {
        assertNull(other.getNewestOffset(s.partition(p)));
        assertNull(creator.getOldestOffset(s.partition(p)));
      }
      assertFalse(
          "a second create finds and verifies it",
          other.createStream(new StreamSpec(s, 4, false, Map.of("cleanup.policy", "compact"))));
    }
  }

  @Test
  public void deleteMessagesTrimsIntermediateStreamsOnly() throws Exception {
    SystemStream s = newStream();
    SystemStream input = newStream();
    KafkaSystemAdmin admin = admin();
    admin.createStream(StreamSpec.intermediate(s, 1));
    admin.createStream(new StreamSpec(input, 1, false, Map.of()));
    SystemProducer producer = producer(config());
    for (int i = 0; i < 10; i++) {
      producer.send(new OutgoingMessageEnvelope(s, 0, null, bytes("v" + i)));
      producer.send(new OutgoingMessageEnvelope(input, 0, null, bytes("v" + i)));
    }
    producer.flush();

    admin.deleteMessages(Map.of(s.partition(0), "5", input.partition(0), "5"));

    assertEquals("6", admin.getOldestOffset(s.partition(0)));
    assertEquals("9", admin.getNewestOffset(s.partition(0)));
    assertEquals("0", admin.getOldestOffset(input.partition(0))); // not intermediate: kept
    SystemConsumer fromOldest = consumer(config(), Map.of(s.partition(0), "0"));
    // a deleted offset fails loudly rather than skipping silently
    long deadline = System.currentTimeMillis() + 30_000;
    OffsetOutOfRangeException error = null;
    while (error == null && System.currentTimeMillis() < deadline) {
      try {
        fromOldest.poll(Set.of(s.partition(0)), 200);
      } catch (OffsetOutOfRangeException e) {
        error = e;
      }
    }
    assertTrue("reading a deleted offset did not fail", error != null);
    java.util.HashMap<SystemStreamPartition, String> reg = new java.util.HashMap<>();
    reg.put(s.partition(0), null);
    SystemConsumer late = consumer(config(), reg);
    assertEquals(
        List.of("6", "7", "8", "9"), offsets(read(late, s.partition(0), 4, Integer.MAX_VALUE)));
  }

  @Test
  public void compactedTopicKeepsLastValuePerKeyAndAppliesTombstones() throws Exception {
    SystemStream s = newStream();
    SystemStreamPartition p = s.partition(0);
    KafkaSystemAdmin admin = admin();
    admin.createStream(
        new StreamSpec(
            s,
            1,
            false,
            Map.of(
                "cleanup.policy", "compact",
                "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.001",
                "delete.retention.ms", "0")));
    SystemProducer producer = producer(config());
    producer.send(new OutgoingMessageEnvelope(s, 0, bytes("a"), bytes("a1"))); // 0
    producer.send(new OutgoingMessageEnvelope(s, 0, bytes("b"), bytes("b1"))); // 1
    producer.send(new OutgoingMessageEnvelope(s, 0, bytes("a"), bytes("a2"))); // 2
    producer.send(new OutgoingMessageEnvelope(s, 0, bytes("c"), bytes("c1"))); // 3
    producer.send(new OutgoingMessageEnvelope(s, 0, bytes("b"), null)); // 4: tombstone
    producer.send(new OutgoingMessageEnvelope(s, 0, bytes("a"), bytes("a3"))); // 5
    producer.flush();

    // Kafka compacts closed segments only: keep appending a filler key (which rolls segments
    // after segment.ms) until the log cleaner has compacted the rest and removed the tombstone.
    List<String> expected = List.of("3:c:c1", "5:a:a3");
    List<String> seen = List.of();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!seen.equals(expected)) {
      assertTrue("not compacted in 60 s: " + seen, System.currentTimeMillis() < deadline);
      producer.send(new OutgoingMessageEnvelope(s, 0, bytes("filler"), bytes("x")));
      producer.flush();
      long end = Long.parseLong(admin.getNewestOffset(p));
      java.util.HashMap<SystemStreamPartition, String> reg = new java.util.HashMap<>();
      reg.put(p, null);
      SystemConsumer consumer = factory.getConsumer(SYSTEM, config());
      reg.forEach(consumer::register);
      consumer.start();
      try {
        List<String> now = new ArrayList<>();
        long last = -1;
        while (last < end) {
          for (IncomingMessageEnvelope e :
              consumer.poll(Set.of(p), 200).getOrDefault(p, List.of())) {
            last = Long.parseLong(e.getOffset());
            if (!"filler".equals(str(e.getKey()))) {
              now.add(e.getOffset() + ":" + str(e.getKey()) + ":" + str(e.getMessage()));
            }
          }
        }
        seen = now;
      } finally {
        consumer.stop();
      }
    }
  }

  @Test
  public void pausesPartitionsTheCallerDidNotAskForAndLosesNothing() throws Exception {
    SystemStream s = newStream();
    admin().createStream(new StreamSpec(s, 2, false, Map.of()));
    SystemProducer producer = producer(config());
    for (int i = 0; i < 100; i++) {
      producer.send(new OutgoingMessageEnvelope(s, i % 2, null, bytes("v" + i)));
    }
    producer.flush();
    java.util.HashMap<SystemStreamPartition, String> reg = new java.util.HashMap<>();
    reg.put(s.partition(0), null);
    reg.put(s.partition(1), null);
    KafkaSystemConsumer consumer = (KafkaSystemConsumer) consumer(config(), reg);

    assertEquals(50, read(consumer, s.partition(0), 50, 50).size());
    // partition 1 was not asked for: it is paused, whatever was fetched for it is kept
    consumer.poll(Set.of(s.partition(0)), 0);
    assertTrue(consumer.pausedPartitions().contains(s.partition(1)));
    assertFalse(consumer.pausedPartitions().contains(s.partition(0)));
    List<IncomingMessageEnvelope> p1 = read(consumer, s.partition(1), 50, 50);
    for (int i = 0; i < 50; i++) {
      assertEquals(String.valueOf(i), p1.get(i).getOffset());
      assertEquals("v" + (2 * i + 1), str(p1.get(i).getMessage()));
    }
  }

  @Test
  public void producerRejectsNonBytesNamingTheStream() {
    SystemStream s = newStream();
    admin().createStream(new StreamSpec(s, 1, false, Map.of()));
    SystemProducer producer = producer(config());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> producer.send(new OutgoingMessageEnvelope(s, 0, "key", bytes("v"))));
    assertThat(e.getMessage(), allOf(containsString(s.toString()), containsString("String")));
  }

  @Test
  public void flushRethrowsAWriteTheBrokerRejectedNamingTopicAndPartition() {
    SystemStream s = newStream();
    admin().createStream(new StreamSpec(s, 1, false, Map.of("max.message.bytes", "1024")));
    SystemProducer producer = producer(config());
    producer.send(new OutgoingMessageEnvelope(s, 0, null, bytes("fits")));
    producer.flush();
    byte[] big = new byte[20_000];
    new Random(1).nextBytes(big); // incompressible: the broker rejects the batch
    producer.send(new OutgoingMessageEnvelope(s, 0, null, big));

    RuntimeException e = assertThrows(RuntimeException.class, producer::flush);
    assertThat(
        e.getMessage(),
        allOf(containsString("topic " + s.getStream()), containsString("partition 0")));
    // the producer stays failed: nothing after the lost message may be checkpointed
    assertThrows(RuntimeException.class, producer::flush);
    assertThrows(
        RuntimeException.class,
        () -> producer.send(new OutgoingMessageEnvelope(s, 0, null, bytes("later"))));
  }

  @Test
  public void secretsAreRedactedWhenLogged() {
    Map<String, Object> shown =
        KafkaClientConfig.redact(
            Map.of(
                "sasl.jaas.config", "org.apache.kafka...PlainLoginModule password=\"s3cret\";",
                "ssl.truststore.password", "s3cret",
                "ssl.key.password", "s3cret",
                "bootstrap.servers", "b:9092"));
    assertFalse(shown.toString().contains("s3cret"));
    assertEquals("b:9092", shown.get("bootstrap.servers"));
    Config c =
        new Config(
            Map.of(
                "systems.k.bootstrap.servers", "b:9092",
                "systems.k.kafka.security.protocol", "SASL_SSL",
                "systems.k.producer.linger.ms", "20"));
    KafkaClientConfig cc = new KafkaClientConfig("k", c);
    assertEquals("SASL_SSL", cc.forClient("producer", Map.of()).get("security.protocol"));
    assertEquals("20", cc.forClient("producer", Map.of()).get("linger.ms"));
    assertNull(cc.forClient("consumer", Map.of()).get("linger.ms"));
    assertThrows(IllegalArgumentException.class, () -> new KafkaClientConfig("x", c).common());
  }
}
