package org.beamsamza.runner.tools;

/** A refusal or failure the user can act on; its message is the one line the tool prints. */
final class ToolException extends RuntimeException {
  ToolException(String message) {
    super(message);
  }
}
