package org.beamsamza.runtime.system.inmemory;

import java.util.Comparator;
import java.util.Map;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;

/** Admin of the in-memory system: offsets are decimal longs, one apart. */
final class InMemorySystemAdmin implements SystemAdmin {
  private static final Comparator<String> OFFSET_ORDER =
      Comparator.comparingLong(InMemorySystemAdmin::parse);

  private final InMemoryStreams streams;

  InMemorySystemAdmin(InMemoryStreams streams) {
    this.streams = streams;
  }

  @Override
  public boolean createStream(StreamSpec spec) {
    return streams.createStream(spec);
  }

  @Override
  public int getPartitionCount(SystemStream stream) {
    return streams.getPartitionCount(stream);
  }

  @Override
  public String getOffsetAfter(SystemStreamPartition ssp, String offset) {
    return Long.toString(parse(offset) + 1);
  }

  @Override
  public String getOldestOffset(SystemStreamPartition ssp) {
    long start = streams.getOldestOffset(ssp);
    return start < streams.getNextOffset(ssp) ? Long.toString(start) : null;
  }

  @Override
  public String getNewestOffset(SystemStreamPartition ssp) {
    long next = streams.getNextOffset(ssp);
    return next > streams.getOldestOffset(ssp) ? Long.toString(next - 1) : null;
  }

  @Override
  public Comparator<String> offsetComparator() {
    return OFFSET_ORDER;
  }

  @Override
  public void deleteMessages(Map<SystemStreamPartition, String> upToInclusive) {
    for (Map.Entry<SystemStreamPartition, String> e : upToInclusive.entrySet()) {
      streams.deleteMessages(e.getKey(), parse(e.getValue()));
    }
  }

  private static long parse(String offset) {
    try {
      return Long.parseLong(offset);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not an in-memory offset: '" + offset + "'", e);
    }
  }
}
