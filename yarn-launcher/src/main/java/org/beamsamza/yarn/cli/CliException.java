package org.beamsamza.yarn.cli;

/** A refusal or failure the user can act on; its message is the one line the command prints. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
