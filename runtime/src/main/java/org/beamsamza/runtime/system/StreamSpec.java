package org.beamsamza.runtime.system;

import java.util.Map;
import java.util.Objects;

/**
 * What a stream should look like when the job creates it: its partition count and properties (e.g.
 * {@code cleanup.policy=compact} for a changelog). {@code intermediate} streams are owned by the
 * job (repartition, broadcast): the engine may delete their messages once every consumer has
 * checkpointed past them.
 */
public final class StreamSpec {
  private final SystemStream systemStream;
  private final int partitionCount;
  private final boolean intermediate;
  private final Map<String, String> properties;

  public StreamSpec(
      SystemStream systemStream,
      int partitionCount,
      boolean intermediate,
      Map<String, String> properties) {
    this.systemStream = Objects.requireNonNull(systemStream);
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be >= 1 for " + systemStream);
    }
    this.partitionCount = partitionCount;
    this.intermediate = intermediate;
    this.properties = Map.copyOf(properties);
  }

  public static StreamSpec intermediate(SystemStream stream, int partitionCount) {
    return new StreamSpec(stream, partitionCount, true, Map.of());
  }

  public SystemStream getSystemStream() {
    return systemStream;
  }

  public int getPartitionCount() {
    return partitionCount;
  }

  public boolean isIntermediate() {
    return intermediate;
  }

  public Map<String, String> getProperties() {
    return properties;
  }

  @Override
  public String toString() {
    return "StreamSpec{"
        + systemStream
        + ", partitions="
        + partitionCount
        + (intermediate ? ", intermediate" : "")
        + ", "
        + properties
        + "}";
  }
}
