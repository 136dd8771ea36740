package org.beamsamza.state.engine;

import java.util.Objects;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.state.kv.ChangelogWriter;

/**
 * Sends a logged store's writes to its task's changelog partition through the container's
 * collector: key = the store key, message = the value or {@code null} (tombstone). {@link #flush()}
 * does nothing: the container flushes its producers right after the stores at every commit.
 */
final class ChangelogCollectorWriter implements ChangelogWriter {
  private final MessageCollector collector;
  private final SystemStream stream;
  private final int partition;

  ChangelogCollectorWriter(MessageCollector collector, SystemStreamPartition ssp) {
    this.collector = Objects.requireNonNull(collector, "collector");
    this.stream = ssp.getSystemStream();
    this.partition = ssp.getPartition();
  }

  @Override
  public void write(byte[] key, byte[] valueOrNullForTombstone) {
    collector.send(new OutgoingMessageEnvelope(stream, partition, key, valueOrNullForTombstone));
  }

  @Override
  public void flush() {}
}
