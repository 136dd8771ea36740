package org.beamsamza.translation.streams;

/** A record on a stream that its declared coder cannot read: a corrupt or foreign message. */
public class UndecodableRecordException extends RuntimeException {
  public UndecodableRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
