package org.beamsamza.kafkaio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.DeserializerProvider;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.beamsamza.kafka.KafkaRecordMetadata;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.spi.ExternalPartitionReader;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * {@link KafkaPartitionReader} on envelopes as the Kafka system consumer hands them out (no broker
 * needed): decoding into KafkaRecords, event time and watermark from the user's timestamp policy
 * per partition, the idle advance after a caught-up marker, and bad records.
 */
public class KafkaPartitionReaderTest {
  private static final SystemStreamPartition SSP = new SystemStreamPartition("kafkaio-0", "t", 2);
  private static final Duration DELAY = Duration.standardSeconds(5);
  private static final long BASE = 1_700_000_000_000L;

  /** Elements by output, as the task would receive them. */
  private static final class Collected implements ExternalPartitionReader.Outputs {
    final List<WindowedValue<?>> records = new ArrayList<>();
    final List<WindowedValue<?>> bad = new ArrayList<>();

    @Override
    public void emit(int output, WindowedValue<?> element) {
      (output == KafkaPartitionReader.RECORDS ? records : bad).add(element);
    }
  }

  private static KafkaIO.Read<String, Long> read() {
    return KafkaIO.<String, Long>read()
        .withBootstrapServers("unused:9092")
        .withTopic("t")
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(LongDeserializer.class);
  }

  @SuppressWarnings("unchecked")
  private static ExternalPartitionReader reader(
      KafkaIO.Read<String, Long> read, boolean badRecordOutput) throws Exception {
    TimestampPolicyFactory<String, Long> policy = read.getTimestampPolicyFactory();
    return new KafkaRecordReaderFactory<>(
            (DeserializerProvider<String>) read.getKeyDeserializerProvider(),
            (DeserializerProvider<Long>) read.getValueDeserializerProvider(),
            KafkaReadSettings.consumerConfigAsText(read),
            policy,
            badRecordOutput)
        .open(SSP, "Read", PipelineOptionsFactory.create());
  }

  private static IncomingMessageEnvelope record(
      long offset, String key, byte[] value, long timestamp, int type, long backlog) {
    return new IncomingMessageEnvelope(
        SSP,
        Long.toString(offset),
        null,
        new KafkaRecordMetadata.Record(
            key.getBytes(StandardCharsets.UTF_8),
            value,
            timestamp,
            type,
            List.of(new KafkaRecordMetadata.Header("h", "x".getBytes(StandardCharsets.UTF_8))),
            backlog));
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static IncomingMessageEnvelope caughtUp(long offset) {
    return new IncomingMessageEnvelope(
        SSP, Long.toString(offset), null, new KafkaRecordMetadata.CaughtUp());
  }

  @Test
  public void decodesRecordsWithTheirMetadataAndCreateTime() throws Exception {
    ExternalPartitionReader reader = reader(read().withCreateTime(DELAY), false);
    Collected out = new Collected();
    reader.process(record(7, "a", longBytes(42), BASE, 0, 3), out);

    assertThat(out.records.size(), equalTo(1));
    @SuppressWarnings("unchecked")
    KafkaRecord<String, Long> r = (KafkaRecord<String, Long>) out.records.get(0).getValue();
    assertThat(r.getTopic(), equalTo("t"));
    assertThat(r.getPartition(), equalTo(2));
    assertThat(r.getOffset(), equalTo(7L));
    assertThat(r.getTimestamp(), equalTo(BASE));
    assertThat(r.getTimestampType(), equalTo(KafkaTimestampType.CREATE_TIME));
    assertThat(r.getKV(), equalTo(KV.of("a", 42L)));
    assertThat(
        new String(r.getHeaders().lastHeader("h").value(), StandardCharsets.UTF_8), equalTo("x"));
    assertThat(out.records.get(0).getTimestamp(), equalTo(new Instant(BASE)));
  }

  @Test
  public void watermarkFollowsThePolicyAndAdvancesWhenThePartitionIsIdle() throws Exception {
    ExternalPartitionReader reader = reader(read().withCreateTime(DELAY), false);
    Collected out = new Collected();
    Instant now = new Instant(BASE + 60_000);
    reader.process(record(0, "a", longBytes(1), BASE + 1_000, 0, 1), out);
    reader.process(record(1, "a", longBytes(2), BASE + 3_000, 0, 4), out);
    // Behind the newest create time by the policy's delay.
    assertThat(reader.watermark(now), equalTo(new Instant(BASE + 3_000).minus(DELAY)));
    // Read to the end of the partition: the watermark moves on with the clock (KafkaIO's idle
    // partition), to now minus the delay.
    reader.process(caughtUp(1), out);
    Instant later = Instant.now();
    Instant idle = reader.watermark(later);
    assertThat(idle, equalTo(later.minus(DELAY)));
    // A partition with a backlog stays at its records' time.
    ExternalPartitionReader busy = reader(read().withCreateTime(DELAY), false);
    busy.process(record(0, "a", longBytes(1), BASE + 1_000, 0, 500), out);
    assertThat(busy.watermark(Instant.now()), equalTo(new Instant(BASE + 1_000).minus(DELAY)));
  }

  @Test
  public void logAppendTimeAndDefaultProcessingTime() throws Exception {
    Collected out = new Collected();
    reader(read().withLogAppendTime(), false)
        .process(record(0, "a", longBytes(1), BASE, 1, 0), out);
    assertThat(out.records.get(0).getTimestamp(), equalTo(new Instant(BASE)));

    Instant before = Instant.now();
    reader(read(), false).process(record(0, "a", longBytes(1), BASE, 0, 0), out);
    Instant stamped = out.records.get(1).getTimestamp();
    assertThat("processing time by default", !stamped.isBefore(before), equalTo(true));
  }

  @Test
  public void undecodableRecordFailsNamingStepTopicPartitionAndOffset() throws Exception {
    ExternalPartitionReader reader = reader(read(), false);
    Exception e =
        assertThrows(
            RuntimeException.class,
            () ->
                reader.process(record(9, "a", new byte[] {1, 2, 3}, BASE, 0, 0), new Collected()));
    assertThat(
        e.getMessage(),
        allOf(
            containsString("Step 'Read'"),
            containsString("topic t, partition 2, offset 9"),
            containsString(LongDeserializer.class.getName())));
  }

  @Test
  public void undecodableRecordGoesToTheBadRecordOutputAndTheNextOneIsRead() throws Exception {
    ExternalPartitionReader reader = reader(read(), true);
    Collected out = new Collected();
    reader.process(record(9, "a", new byte[] {1, 2, 3}, BASE, 0, 1), out);
    reader.process(record(10, "b", longBytes(5), BASE, 0, 0), out);
    assertThat(out.bad.size(), equalTo(1));
    BadRecord bad = (BadRecord) out.bad.get(0).getValue();
    assertThat(bad.getFailure().getDescription(), containsString("topic t, partition 2, offset 9"));
    assertThat(out.records.size(), equalTo(1));
    assertThat(((KafkaRecord<?, ?>) out.records.get(0).getValue()).getOffset(), equalTo(10L));
  }

  @Test
  public void policiesArePerPartition() throws Exception {
    // Each partition's reader has a policy of its own: one partition's records do not move
    // another's watermark.
    TimestampPolicyFactory<String, Long> factory = TimestampPolicyFactory.withCreateTime(DELAY);
    var p0 = factory.createTimestampPolicy(new TopicPartition("t", 0), Optional.empty());
    var p1 = factory.createTimestampPolicy(new TopicPartition("t", 1), Optional.empty());
    assertThat(p0 == p1, equalTo(false));
    ExternalPartitionReader a = reader(read().withCreateTime(DELAY), false);
    ExternalPartitionReader b = reader(read().withCreateTime(DELAY), false);
    a.process(record(0, "a", longBytes(1), BASE + 10_000, 0, 5), new Collected());
    b.process(record(0, "a", longBytes(1), BASE + 2_000, 0, 5), new Collected());
    assertThat(a.watermark(Instant.now()), equalTo(new Instant(BASE + 10_000).minus(DELAY)));
    assertThat(b.watermark(Instant.now()), equalTo(new Instant(BASE + 2_000).minus(DELAY)));
  }
}
