package org.beamsamza.state.kv.internals;

/**
 * An unchecked wrapper for a storage engine failure, so store callers need not handle checked
 * exceptions.
 */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
