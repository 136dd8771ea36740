package org.beamsamza.runtime.local;

import org.beamsamza.runtime.container.ContainerException;

/**
 * A container failed once more after it had been restarted as often as its {@link
 * ContainerRestartPolicy} allows, so the job failed. The cause is the last failure (a {@link
 * ContainerException} naming container and task, whose own cause is the original exception); the
 * message says how many restarts were tried and within which limits.
 */
public final class ContainerRestartsExhaustedException extends ContainerException {
  private final int restarts;

  ContainerRestartsExhaustedException(
      String containerId, int restarts, String limits, Throwable lastFailure) {
    super(
        containerId,
        lastFailure instanceof ContainerException ce ? ce.getTaskName() : null,
        "Container "
            + containerId
            + " failed again after "
            + restarts
            + (restarts == 1 ? " restart" : " restarts")
            + " ("
            + limits
            + "): "
            + lastFailure.getMessage(),
        lastFailure);
    this.restarts = restarts;
  }

  /** How many times the container had been restarted before its last failure. */
  public int getRestarts() {
    return restarts;
  }
}
