package org.beamsamza.runtime.system;

import java.util.Comparator;
import java.util.Map;

/** Metadata and lifecycle operations on the streams of one system. Thread safe. */
public interface SystemAdmin {
  /** Creates the stream if it does not exist; returns false if it already existed. */
  boolean createStream(StreamSpec spec);

  /** Number of partitions of an existing stream. Fails with the stream name if it does not exist. */
  int getPartitionCount(SystemStream stream);

  /** The offset of the message after {@code offset} in that partition. */
  String getOffsetAfter(SystemStreamPartition ssp, String offset);

  /** Orders two offsets of the same partition. */
  Comparator<String> offsetComparator();

  /**
   * Deletes messages up to and including the given offsets, on intermediate streams only; a no-op
   * for systems that cannot. Called after a checkpoint that covers them.
   */
  default void deleteMessages(Map<SystemStreamPartition, String> upToInclusive) {}
}
