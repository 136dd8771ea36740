package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.List;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.task.MessageCollector;

/** A {@link MessageCollector} that keeps every envelope sent, in order, also in a shared log. */
public final class RecordingMessageCollector implements MessageCollector {
  private final List<OutgoingMessageEnvelope> sent = new ArrayList<>();
  private final List<Object> log;

  /**
   * @param log where every envelope is also appended (shared with the coordinator for order)
   */
  public RecordingMessageCollector(List<Object> log) {
    this.log = log;
  }

  @Override
  public void send(OutgoingMessageEnvelope envelope) {
    sent.add(envelope);
    log.add(envelope);
  }

  /** Every envelope sent so far, in order. */
  public List<OutgoingMessageEnvelope> sent() {
    return List.copyOf(sent);
  }

  /** The envelopes sent to partition {@code partition} of stream {@code stream}, in order. */
  public List<OutgoingMessageEnvelope> sent(String stream, int partition) {
    return sent.stream()
        .filter(e -> e.getSystemStream().getStream().equals(stream))
        .filter(e -> e.getPartition() == partition)
        .toList();
  }
}
