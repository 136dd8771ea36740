package org.beamsamza.runner;

import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.util.UserCodeException;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.translation.source.BoundedSourceSystem;

/**
 * A job started by {@link SamzaRunner}, wherever it runs (see {@code --deployment}): its state,
 * metrics, waiting and cancelling. {@code waitUntilFinish} of a failed job throws a {@code
 * PipelineExecutionException} whose cause is the user's own exception ({@link #rootCause}).
 */
public interface SamzaPipelineResult extends PipelineResult {

  /** Stops the job and returns its state then; throws no checked exception. */
  @Override
  State cancel();

  /**
   * How many times each container of the job was restarted after a failure so far, by container id
   * (containers never restarted are absent). See {@code --containerRetryCount}.
   */
  Map<String, Integer> getContainerRestarts();

  /**
   * The user's own exception: strips the runtime's container wrapper, the source system's read
   * wrapper and Beam's UserCodeException, so that a pipeline failing in a DoFn or a source fails
   * with what that DoFn or source threw.
   */
  static Throwable rootCause(Throwable failure) {
    Throwable t = failure;
    while (t != null
        && t.getCause() != null
        && (t instanceof ContainerException
            || t instanceof UserCodeException
            || t instanceof BoundedSourceSystem.SourceReadException
            || (t.getClass() == RuntimeException.class
                && t.getMessage() != null
                && t.getMessage().equals(t.getCause().toString())))) {
      t = t.getCause();
    }
    return t;
  }
}
