package org.beamsamza.runtime.container;

import java.util.ArrayDeque;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;

/**
 * The default chooser: serves partitions that have a message in turn, so a busy partition cannot
 * starve a quiet one. Because the container offers one envelope per partition and re-offers only
 * after a choice, a FIFO of offered envelopes is exactly a round robin over partitions.
 */
public final class RoundRobinChooser implements MessageChooser {
  private final ArrayDeque<IncomingMessageEnvelope> offered = new ArrayDeque<>();

  @Override
  public void update(IncomingMessageEnvelope envelope) {
    offered.addLast(envelope);
  }

  @Override
  public IncomingMessageEnvelope choose() {
    return offered.pollFirst();
  }
}
