package org.beamsamza.kafkaio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.joda.time.Duration;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A record the user's deserializer cannot decode (3 bytes where {@code LongDeserializer} wants 8)
 * at offset {@value #BAD_OFFSET} of a one-partition topic: it fails the job naming step, topic,
 * partition and offset, and the job gets no further; with KafkaIO's {@code
 * withBadRecordErrorHandler} it goes to the handler (here a dead-letter topic) and every record
 * after it is still read.
 */
public class BadRecordTest {
  static final int RECORDS = 20;
  static final int BAD_OFFSET = 10;
  private static EmbeddedKafkaBroker broker;
  private static KafkaTopics topics;

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    topics = new KafkaTopics(broker);
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static final byte[] GARBAGE = {1, 2, 3};

  /** Offsets 0..19: the long {@code i}, except garbage at {@value #BAD_OFFSET}. */
  private static void writeInput(String topic) throws Exception {
    topics.create(topic, 1);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (long i = 0; i < RECORDS; i++) {
      byte[] value = i == BAD_OFFSET ? GARBAGE : ByteBuffer.allocate(8).putLong(i).array();
      records.add(new ProducerRecord<>(topic, 0, null, value));
    }
    topics.write(records);
  }

  private static KafkaIO.Read<String, Long> read(String topic) {
    return KafkaIO.<String, Long>read()
        .withBootstrapServers(broker.bootstrapServers())
        .withTopic(topic)
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(LongDeserializer.class)
        .withConsumerConfigUpdates(Map.of("auto.offset.reset", "earliest"));
  }

  /** Each value read goes to {@code out} as {@code "value" -> value}. */
  private static void writeValues(PCollection<KafkaRecord<String, Long>> records, String out) {
    records
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(r -> KV.of("value", r.getKV().getValue())))
        .apply(
            KafkaIO.<String, Long>write()
                .withBootstrapServers(broker.bootstrapServers())
                .withTopic(out)
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(LongSerializer.class));
  }

  @Test
  public void undecodableRecordFailsTheJobNamingStepTopicPartitionAndOffset() throws Exception {
    writeInput("bad-fail-in");
    topics.create("bad-fail-out", 1);
    Pipeline p = Pipeline.create(NativeKafkaReadTest.options("bad-fail"));
    writeValues(p.apply("ReadKafka", read("bad-fail-in")), "bad-fail-out");
    PipelineResult job = p.run();

    Pipeline.PipelineExecutionException failure =
        assertThrows(
            Pipeline.PipelineExecutionException.class,
            () -> job.waitUntilFinish(Duration.standardMinutes(3)));
    assertThat(job.getState(), equalTo(PipelineResult.State.FAILED));
    assertThat(
        messages(failure),
        allOf(
            containsString("Step 'ReadKafka'"),
            containsString("topic bad-fail-in, partition 0, offset " + BAD_OFFSET),
            containsString(LongDeserializer.class.getName())));
    // Nothing after the bad record was read on: the output holds values before it only.
    List<Long> written = new ArrayList<>();
    topics.readAvailable("bad-fail-out", r -> written.add(ByteBuffer.wrap(r.value()).getLong()));
    assertThat(written, everyItem(lessThan((long) BAD_OFFSET)));
  }

  /** The dead-letter sink: each bad record to {@code topic}, keyed by its failure description. */
  static final class ToDeadLetterTopic extends PTransform<PCollection<BadRecord>, PDone> {
    private final String bootstrap;
    private final String topic;

    ToDeadLetterTopic(String bootstrap, String topic) {
      this.bootstrap = bootstrap;
      this.topic = topic;
    }

    @Override
    public PDone expand(PCollection<BadRecord> bad) {
      return bad.apply(
              MapElements.into(
                      TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                  .via(
                      b ->
                          KV.of(
                              b.getFailure().getDescription(),
                              java.util.Base64.getEncoder()
                                  .encodeToString(b.getRecord().getEncodedRecord()))))
          .apply(
              KafkaIO.<String, String>write()
                  .withBootstrapServers(bootstrap)
                  .withTopic(topic)
                  .withKeySerializer(StringSerializer.class)
                  .withValueSerializer(StringSerializer.class));
    }
  }

  @Test
  public void undecodableRecordGoesToTheBadRecordHandlerAndReadingGoesOn() throws Exception {
    writeInput("bad-dlq-in");
    topics.create("bad-dlq-out", 1);
    topics.create("bad-dlq-dead", 1);
    Pipeline p = Pipeline.create(NativeKafkaReadTest.options("bad-dlq"));
    try (BadRecordErrorHandler<PDone> handler =
        p.registerBadRecordErrorHandler(
            new ToDeadLetterTopic(broker.bootstrapServers(), "bad-dlq-dead"))) {
      writeValues(
          p.apply("ReadKafka", read("bad-dlq-in").withBadRecordErrorHandler(handler)),
          "bad-dlq-out");
    }
    String plan =
        org.beamsamza.runner.SamzaRunner.translate(
                rebuildForPlan(), NativeKafkaReadTest.options("bad-dlq-plan"))
            .describe();
    assertThat("read natively", plan, containsString("<- kafkaio-0 stream bad-dlq-in"));

    PipelineResult job = p.run();
    Set<Long> values = new TreeSet<>();
    List<KV<String, byte[]>> dead = new ArrayList<>();
    Set<Long> expected = new HashSet<>();
    for (long i = 0; i < RECORDS; i++) {
      if (i != BAD_OFFSET) {
        expected.add(i);
      }
    }
    try {
      topics.readUntil(
          "bad-dlq-out",
          r -> values.add(ByteBuffer.wrap(r.value()).getLong()),
          () -> values.containsAll(expected),
          job);
      topics.readUntil(
          "bad-dlq-dead",
          r ->
              dead.add(
                  KV.of(
                      new String(r.key(), StandardCharsets.UTF_8),
                      java.util.Base64.getDecoder()
                          .decode(new String(r.value(), StandardCharsets.UTF_8)))),
          () -> !dead.isEmpty(),
          job);
    } finally {
      job.cancel();
    }
    assertThat(
        "every good record, the ones after the bad one too",
        values,
        equalTo(new TreeSet<>(expected)));
    assertThat(dead.size(), equalTo(1));
    assertThat(
        dead.get(0).getKey(),
        allOf(
            containsString("Step 'ReadKafka'"),
            containsString("topic bad-dlq-in, partition 0, offset " + BAD_OFFSET)));
    KafkaRecord<byte[], byte[]> raw =
        CoderUtils.decodeFromByteArray(
            KafkaRecordCoder.of(
                NullableCoder.of(ByteArrayCoder.of()), NullableCoder.of(ByteArrayCoder.of())),
            dead.get(0).getValue());
    assertThat(raw.getOffset(), equalTo((long) BAD_OFFSET));
    assertThat(raw.getKV().getValue(), equalTo(GARBAGE));
  }

  /**
   * The same handler pipeline again (translating rewrites a pipeline, so the run needs its own).
   */
  private static Pipeline rebuildForPlan() throws Exception {
    Pipeline p = Pipeline.create(NativeKafkaReadTest.options("bad-dlq-plan"));
    try (BadRecordErrorHandler<PDone> handler =
        p.registerBadRecordErrorHandler(
            new ToDeadLetterTopic(broker.bootstrapServers(), "bad-dlq-dead"))) {
      writeValues(
          p.apply("ReadKafka", read("bad-dlq-in").withBadRecordErrorHandler(handler)),
          "bad-dlq-out");
    }
    return p;
  }

  static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}
