package org.beamsamza.translation.task;

import org.beamsamza.runtime.system.IncomingMessageEnvelope;

/** Turns the messages of one input stream into calls on the task's channels and nodes. */
interface InputHandler {
  void handle(IncomingMessageEnvelope envelope) throws Exception;

  /** True once every producer of this input has ended it. */
  boolean isEnded();
}
