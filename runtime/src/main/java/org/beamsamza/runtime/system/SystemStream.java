package org.beamsamza.runtime.system;

import java.util.Objects;

/** A named stream within a named system (e.g. system "kafka", stream "wordcount-repartition-1"). */
public final class SystemStream {
  private final String system;
  private final String stream;

  public SystemStream(String system, String stream) {
    this.system = Objects.requireNonNull(system, "system");
    this.stream = Objects.requireNonNull(stream, "stream");
  }

  public String getSystem() {
    return system;
  }

  public String getStream() {
    return stream;
  }

  public SystemStreamPartition partition(int partition) {
    return new SystemStreamPartition(this, partition);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SystemStream s && system.equals(s.system) && stream.equals(s.stream);
  }

  @Override
  public int hashCode() {
    return 31 * system.hashCode() + stream.hashCode();
  }

  @Override
  public String toString() {
    return system + "." + stream;
  }
}
