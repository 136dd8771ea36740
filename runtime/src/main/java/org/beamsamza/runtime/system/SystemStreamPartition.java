package org.beamsamza.runtime.system;

import java.util.Objects;

/** One partition of a {@link SystemStream}: the unit a task consumes and a checkpoint records. */
public final class SystemStreamPartition implements Comparable<SystemStreamPartition> {
  private final SystemStream systemStream;
  private final int partition;
  private final int hash;

  public SystemStreamPartition(SystemStream systemStream, int partition) {
    this.systemStream = Objects.requireNonNull(systemStream, "systemStream");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0: " + partition);
    }
    this.partition = partition;
    this.hash = 31 * systemStream.hashCode() + partition;
  }

  public SystemStreamPartition(String system, String stream, int partition) {
    this(new SystemStream(system, stream), partition);
  }

  public SystemStream getSystemStream() {
    return systemStream;
  }

  public String getSystem() {
    return systemStream.getSystem();
  }

  public String getStream() {
    return systemStream.getStream();
  }

  public int getPartition() {
    return partition;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SystemStreamPartition s
        && partition == s.partition
        && systemStream.equals(s.systemStream);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(SystemStreamPartition o) {
    int c = getSystem().compareTo(o.getSystem());
    if (c != 0) {
      return c;
    }
    c = getStream().compareTo(o.getStream());
    return c != 0 ? c : Integer.compare(partition, o.partition);
  }

  @Override
  public String toString() {
    return systemStream + "[" + partition + "]";
  }
}
