package org.beamsamza.runtime.system;

/**
 * Writes messages to streams of one system. Used by one container thread. Messages sent before a
 * {@link #flush} are durable (as durable as the system is) once flush returns: the container
 * flushes before it writes a checkpoint, which is what makes delivery at-least-once.
 */
public interface SystemProducer {
  void start();

  void send(OutgoingMessageEnvelope envelope);

  void flush();

  void stop();
}
