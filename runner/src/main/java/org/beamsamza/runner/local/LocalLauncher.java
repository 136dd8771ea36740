package org.beamsamza.runner.local;

import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.deploy.JobLaunch;
import org.beamsamza.runner.deploy.JobLauncher;

/** {@code --deployment=local} (the default): every container of the job as a thread of this JVM. */
public final class LocalLauncher implements JobLauncher {
  public static final String DEPLOYMENT = "local";

  @Override
  public String deployment() {
    return DEPLOYMENT;
  }

  @Override
  public SamzaPipelineResult launch(JobLaunch job) {
    return LocalExecution.start(job.plan(), job.serializedPlan(), job.options(), job.metrics());
  }
}
