package org.beamsamza.runtime.system;

import java.util.Comparator;
import java.util.Map;

/** Metadata and lifecycle operations on the streams of one system. Thread safe. */
public interface SystemAdmin {
  /** Creates the stream if it does not exist; returns false if it already existed. */
  boolean createStream(StreamSpec spec);

  /**
   * Number of partitions of an existing stream. Fails with the stream name if it does not exist.
   */
  int getPartitionCount(SystemStream stream);

  /** The offset of the message after {@code offset} in that partition. */
  String getOffsetAfter(SystemStreamPartition ssp, String offset);

  /**
   * The offset of the oldest message still retained in the partition (where a reader that wants
   * everything starts), or {@code null} when the partition holds no message. Used by changelog
   * restore; systems that cannot answer keep the default, which fails.
   */
  default String getOldestOffset(SystemStreamPartition ssp) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not report partition offsets");
  }

  /**
   * The offset of the newest message written to the partition, or {@code null} when the partition
   * holds no message. Changelog restore reads up to this offset as of the moment it asks; the
   * message at that offset may since have been compacted away, or may be one the consumer never
   * delivers (a Kafka transaction marker): readers stop on reaching it or once {@link
   * SystemConsumer#position} is past it, never merely because no message arrived for a while.
   */
  default String getNewestOffset(SystemStreamPartition ssp) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not report partition offsets");
  }

  /** Orders two offsets of the same partition. */
  Comparator<String> offsetComparator();

  /**
   * Deletes messages up to and including the given offsets, on intermediate streams only; a no-op
   * for systems that cannot. Called after a checkpoint that covers them.
   */
  default void deleteMessages(Map<SystemStreamPartition, String> upToInclusive) {}
}
