package org.beamsamza.runtime.system;

import java.util.Objects;

/**
 * A message to write to one partition of a stream. The caller chooses the partition: the
 * translation layer hashes encoded keys for repartition streams and writes control messages to
 * every partition, so the engine never has to understand keys.
 */
public final class OutgoingMessageEnvelope {
  private final SystemStream systemStream;
  private final int partition;
  private final Object key;
  private final Object message;

  public OutgoingMessageEnvelope(
      SystemStream systemStream, int partition, Object key, Object message) {
    this.systemStream = Objects.requireNonNull(systemStream, "systemStream");
    this.partition = partition;
    this.key = key;
    this.message = message;
  }

  public SystemStream getSystemStream() {
    return systemStream;
  }

  public int getPartition() {
    return partition;
  }

  public Object getKey() {
    return key;
  }

  public Object getMessage() {
    return message;
  }
}
