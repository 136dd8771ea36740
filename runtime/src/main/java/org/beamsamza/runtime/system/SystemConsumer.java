package org.beamsamza.runtime.system;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads partitions of one system. Used by exactly one container thread: implementations need not be
 * thread safe for calls, but may run their own fetch threads behind {@link #poll}.
 */
public interface SystemConsumer {
  /**
   * Registers a partition before {@link #start}. {@code startingOffset} is the offset of the first
   * message to return; {@code null} means the oldest available.
   */
  void register(SystemStreamPartition ssp, String startingOffset);

  void start();

  /**
   * Returns available messages of the given partitions, in offset order per partition, waiting at
   * most {@code timeoutMs} when none is available (0: do not wait). A bounded partition ends with
   * an {@link IncomingMessageEnvelope#endOfStream end-of-stream} envelope. Partitions with nothing
   * to return may be absent from the map.
   */
  Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
      Set<SystemStreamPartition> ssps, long timeoutMs) throws InterruptedException;

  /**
   * Where reading of a registered partition stands, after the messages {@link #poll} has returned
   * so far: the offset of the next message it would return. Every message the partition holds below
   * this offset has been returned already, or will never be (compacted away, deleted, or a record
   * the system does not deliver, such as a Kafka transaction marker). A reader that must read up to
   * offset {@code x} is done once the position is past {@code x}, even if the message at {@code x}
   * is gone.
   *
   * <p>{@code null} when the system cannot tell (the default) or cannot tell yet (e.g. before its
   * first fetch). Changelog restore relies on it to end when the newest message was compacted away;
   * without it such a restore fails after its stall timeout instead of ending.
   */
  default String position(SystemStreamPartition ssp) {
    return null;
  }

  /**
   * The offset of the newest message the partition holds (numeric offsets: the one before the first
   * when it has never held one, e.g. "-1"), as far as this consumer knows without a remote call,
   * for lag metrics; {@code null} when it cannot tell (the default). Called on the consumer's
   * thread.
   */
  default String newestOffset(SystemStreamPartition ssp) {
    return null;
  }

  void stop();
}
