package org.beamsamza.runtime.system;

/**
 * A message read from one partition, with its offset. Offsets are strings, as in Samza, so that a
 * system can use whatever position it has (a Kafka offset, an element index, a serialized source
 * checkpoint mark); {@link SystemAdmin#offsetComparator} orders them.
 *
 * <p>An envelope whose offset is {@link #END_OF_STREAM_OFFSET} marks the end of a bounded
 * partition: nothing follows it, and the container stops reading that partition.
 */
public final class IncomingMessageEnvelope {
  public static final String END_OF_STREAM_OFFSET = "END_OF_STREAM";

  private final SystemStreamPartition ssp;
  private final String offset;
  private final Object key;
  private final Object message;
  private final int size;

  public IncomingMessageEnvelope(
      SystemStreamPartition ssp, String offset, Object key, Object message, int size) {
    this.ssp = ssp;
    this.offset = offset;
    this.key = key;
    this.message = message;
    this.size = size;
  }

  public IncomingMessageEnvelope(
      SystemStreamPartition ssp, String offset, Object key, Object message) {
    this(ssp, offset, key, message, 0);
  }

  public static IncomingMessageEnvelope endOfStream(SystemStreamPartition ssp) {
    return new IncomingMessageEnvelope(ssp, END_OF_STREAM_OFFSET, null, null);
  }

  public SystemStreamPartition getSystemStreamPartition() {
    return ssp;
  }

  public String getOffset() {
    return offset;
  }

  public Object getKey() {
    return key;
  }

  public Object getMessage() {
    return message;
  }

  /** Size in bytes when known (for metrics), else 0. */
  public int getSize() {
    return size;
  }

  public boolean isEndOfStream() {
    return END_OF_STREAM_OFFSET.equals(offset);
  }

  @Override
  public String toString() {
    return "IncomingMessageEnvelope{" + ssp + "@" + offset + "}";
  }
}
