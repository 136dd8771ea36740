package org.beamsamza.runner.deploy;

import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;

/**
 * Starts a translated job somewhere: in this JVM ({@code local}, the default) or on a cluster (e.g.
 * {@code yarn}, in its own module). {@code SamzaRunner.run} picks the launcher whose {@link
 * #deployment} equals {@code --deployment}, found through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/org.beamsamza.runner.deploy.JobLauncher}), so a deployment module depends on
 * the runner and not the reverse.
 *
 * @see JobLaunchers
 */
public interface JobLauncher {

  /** The value of {@code --deployment} this launcher serves. */
  String deployment();

  /**
   * Checks what this deployment needs of the options before the pipeline is translated; throws
   * {@link IllegalArgumentException} naming the option at fault.
   */
  default void validate(SamzaPipelineOptions options) {}

  /** Starts the job and returns while it runs. */
  SamzaPipelineResult launch(JobLaunch job);
}
