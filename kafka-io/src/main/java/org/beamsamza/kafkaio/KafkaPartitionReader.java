package org.beamsamza.kafkaio;

import java.io.IOException;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.beamsamza.kafka.KafkaRecordMetadata;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.translation.spi.ExternalPartitionReader;
import org.joda.time.Instant;

/**
 * One topic partition of a native KafkaIO read, inside the task that owns it: decodes each record
 * with the user's deserializers into a {@link KafkaRecord} (output 0), timestamped by the
 * partition's {@link TimestampPolicy}, whose watermark is the partition's. The policy sees the
 * partition's backlog as the consumer last reported it (the lag behind each record, or a caught-up
 * marker), so an idle partition's watermark moves on as KafkaIO's does.
 *
 * <p>A record the deserializers cannot decode fails the job naming step, topic, partition and
 * offset, or, with a dead-letter output (output 1, KafkaIO's {@code withBadRecordErrorHandler}),
 * goes there as a {@link BadRecord} holding its bytes; the next record is read either way.
 */
final class KafkaPartitionReader<K, V> implements ExternalPartitionReader {
  private static final KafkaRecordCoder<byte[], byte[]> RAW_CODER =
      KafkaRecordCoder.of(
          NullableCoder.of(ByteArrayCoder.of()), NullableCoder.of(ByteArrayCoder.of()));

  static final int RECORDS = 0;
  static final int BAD_RECORDS = 1;

  private final String stepName;
  private final TopicPartition tp;
  private final Deserializer<K> keys;
  private final Deserializer<V> values;
  private final TimestampPolicy<K, V> policy;
  private final boolean badRecordOutput;
  private final Backlog backlog = new Backlog();
  private Instant reportedWatermark =
      org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MIN_VALUE;

  KafkaPartitionReader(
      String stepName,
      TopicPartition tp,
      Deserializer<K> keys,
      Deserializer<V> values,
      TimestampPolicy<K, V> policy,
      boolean badRecordOutput) {
    this.stepName = stepName;
    this.tp = tp;
    this.keys = keys;
    this.values = values;
    this.policy = policy;
    this.badRecordOutput = badRecordOutput;
  }

  /** The partition's backlog as the policy asks for it. */
  private static final class Backlog extends TimestampPolicy.PartitionContext {
    long messages = UnboundedSource.UnboundedReader.BACKLOG_UNKNOWN;
    Instant checkTime = Instant.now();

    @Override
    public long getMessageBacklog() {
      return messages;
    }

    @Override
    public Instant getBacklogCheckTime() {
      return checkTime;
    }
  }

  @Override
  public void process(IncomingMessageEnvelope envelope, Outputs outputs) throws Exception {
    Object message = envelope.getMessage();
    if (message instanceof KafkaRecordMetadata.CaughtUp) {
      backlog.messages = 0;
      backlog.checkTime = Instant.now();
      return;
    }
    if (!(message instanceof KafkaRecordMetadata.Record record)) {
      throw new IllegalStateException(
          "Step '"
              + stepName
              + "' expects Kafka records with metadata from "
              + envelope.getSystemStreamPartition()
              + " but got "
              + (message == null ? "null" : message.getClass().getName())
              + " (is samza.record.metadata set for its system?)");
    }
    long offset = Long.parseLong(envelope.getOffset());
    backlog.messages = record.backlog();
    backlog.checkTime = Instant.now();
    Headers headers = headers(record);
    K key;
    V value;
    try {
      key = keys.deserialize(tp.topic(), headers, record.key());
      value = values.deserialize(tp.topic(), headers, record.value());
    } catch (RuntimeException e) {
      if (!badRecordOutput) {
        throw new KafkaRecordDecodingException(
            "Step '"
                + stepName
                + "' cannot deserialize the Kafka record at topic "
                + tp.topic()
                + ", partition "
                + tp.partition()
                + ", offset "
                + offset
                + " with its key/value deserializers ("
                + keys.getClass().getName()
                + ", "
                + values.getClass().getName()
                + "): "
                + e,
            e);
      }
      // At processing time, but never behind the watermark this partition already reported.
      Instant now = Instant.now();
      outputs.emit(
          BAD_RECORDS,
          WindowedValues.timestampedValueInGlobalWindow(
              badRecord(record, offset, headers, e),
              now.isBefore(reportedWatermark) ? reportedWatermark : now));
      return;
    }
    KafkaRecord<K, V> kafkaRecord =
        new KafkaRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            record.timestamp(),
            timestampType(record.timestampType()),
            headers,
            key,
            value);
    Instant timestamp;
    try {
      timestamp = policy.getTimestampForRecord(backlog, kafkaRecord);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Step '"
              + stepName
              + "': the timestamp policy failed on the Kafka record at topic "
              + tp.topic()
              + ", partition "
              + tp.partition()
              + ", offset "
              + offset
              + ": "
              + e,
          e);
    }
    outputs.emit(RECORDS, WindowedValues.timestampedValueInGlobalWindow(kafkaRecord, timestamp));
  }

  /**
   * KafkaIO's type for Kafka's {@code TimestampType} id (its {@code forOrdinal} takes ordinals).
   */
  static KafkaTimestampType timestampType(int kafkaId) {
    for (KafkaTimestampType type : KafkaTimestampType.values()) {
      if (type.id == kafkaId) {
        return type;
      }
    }
    throw new IllegalArgumentException("Unknown Kafka timestamp type id " + kafkaId);
  }

  private static Headers headers(KafkaRecordMetadata.Record record) {
    RecordHeaders headers = new RecordHeaders();
    for (KafkaRecordMetadata.Header h : record.headers()) {
      headers.add(h.key(), h.value());
    }
    return headers;
  }

  private BadRecord badRecord(
      KafkaRecordMetadata.Record record, long offset, Headers headers, RuntimeException e)
      throws IOException {
    KafkaRecord<byte[], byte[]> raw =
        new KafkaRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            record.timestamp(),
            timestampType(record.timestampType()),
            headers,
            record.key(),
            record.value());
    return BadRecord.fromExceptionInformation(
        raw,
        RAW_CODER,
        e,
        "Step '"
            + stepName
            + "': failure deserializing the key or value of the Kafka record at topic "
            + tp.topic()
            + ", partition "
            + tp.partition()
            + ", offset "
            + offset);
  }

  @Override
  public Instant watermark(Instant now) {
    if (backlog.messages == 0) {
      backlog.checkTime = now; // still nothing to read: the partition is idle as of now
    }
    Instant watermark = policy.getWatermark(backlog);
    if (watermark.isAfter(reportedWatermark)) {
      reportedWatermark = watermark;
    }
    return watermark;
  }

  @Override
  public void close() {
    try {
      keys.close();
    } finally {
      values.close();
    }
  }

  /** A record the user's deserializers could not decode, with no dead-letter output set. */
  static final class KafkaRecordDecodingException extends RuntimeException {
    KafkaRecordDecodingException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
