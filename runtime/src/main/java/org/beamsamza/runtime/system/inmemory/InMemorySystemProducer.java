package org.beamsamza.runtime.system.inmemory;

import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;

/**
 * Appends straight to {@link InMemoryStreams}: a sent message is visible to consumers at once, so
 * there is nothing to flush. Remembers the last stream written to, so that a task writing one
 * stream pays no map lookup per message.
 */
final class InMemorySystemProducer implements SystemProducer {
  private final InMemoryStreams streams;
  private SystemStream lastStream;
  private PartitionLog[] lastPartitions;

  InMemorySystemProducer(InMemoryStreams streams) {
    this.streams = streams;
  }

  @Override
  public void start() {}

  @Override
  public void send(OutgoingMessageEnvelope envelope) {
    SystemStream stream = envelope.getSystemStream();
    int partition = envelope.getPartition();
    PartitionLog[] partitions = lastPartitions;
    if ((stream != lastStream && !stream.equals(lastStream))
        || partition < 0
        || partition >= partitions.length) {
      streams.log(stream, partition); // validates, with a clear message
      partitions = partitionsOf(stream);
      lastStream = stream;
      lastPartitions = partitions;
    }
    partitions[partition].append(envelope.getKey(), envelope.getMessage());
  }

  private PartitionLog[] partitionsOf(SystemStream stream) {
    int n = streams.getPartitionCount(stream);
    PartitionLog[] logs = new PartitionLog[n];
    for (int p = 0; p < n; p++) {
      logs[p] = streams.log(stream, p);
    }
    return logs;
  }

  @Override
  public void flush() {}

  @Override
  public void stop() {}
}
