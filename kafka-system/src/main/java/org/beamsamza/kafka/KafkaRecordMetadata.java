package org.beamsamza.kafka;

import java.util.List;

/**
 * What a Kafka system consumer with {@code systems.<name>.samza.record.metadata=true} hands out as
 * an envelope's message, instead of the value bytes alone, so that a reader above the runtime (the
 * native KafkaIO read) gets all KafkaIO's {@code KafkaRecord} carries without this module knowing
 * Beam: a {@link Record}, or a {@link CaughtUp} marker for a partition that has nothing more now.
 */
public sealed interface KafkaRecordMetadata {
  /** The consumer's lag in records after this message, as of its fetch; -1 when unknown. */
  long backlog();

  /**
   * One record. The envelope's key and offset are the record's key bytes and offset.
   *
   * @param timestampType Kafka's {@code TimestampType} id: -1 none, 0 create time, 1 log append
   * @param headers in record order; a header's value may be null
   */
  record Record(
      byte[] key,
      byte[] value,
      long timestamp,
      int timestampType,
      List<Header> headers,
      long backlog)
      implements KafkaRecordMetadata {}

  /**
   * The partition had nothing more to read when this was polled (its lag was 0). The envelope's
   * offset is the one before the consumer's position, so a checkpoint of it resumes where the
   * consumer stood; it is sent once per idle spell, when no record already said so.
   */
  record CaughtUp() implements KafkaRecordMetadata {
    @Override
    public long backlog() {
      return 0;
    }
  }

  record Header(String key, byte[] value) {}
}
