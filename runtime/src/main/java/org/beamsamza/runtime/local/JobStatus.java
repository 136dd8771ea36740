package org.beamsamza.runtime.local;

/** Where a local job is in its life; the last three are final. */
public enum JobStatus {
  NEW,
  RUNNING,
  SUCCEEDED,
  FAILED,
  KILLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == KILLED;
  }
}
