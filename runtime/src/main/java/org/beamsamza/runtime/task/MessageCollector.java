package org.beamsamza.runtime.task;

import org.beamsamza.runtime.system.OutgoingMessageEnvelope;

/** Where a task sends its output messages; routed to the producer of the envelope's system. */
public interface MessageCollector {
  void send(OutgoingMessageEnvelope envelope);
}
