package org.beamsamza.translation.task;

import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.joda.time.Instant;

/** Turns the messages of one input stream into calls on the task's channels and nodes. */
interface InputHandler {
  void handle(IncomingMessageEnvelope envelope) throws Exception;

  /** True once every producer of this input has ended it. */
  boolean isEnded();

  /** Once, before the first message or tick (the task has its collector then). */
  default void start() throws Exception {}

  /** The task's window tick. */
  default void onTick(Instant now) throws Exception {}

  default void close() throws Exception {}
}
