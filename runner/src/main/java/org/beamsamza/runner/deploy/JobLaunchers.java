package org.beamsamza.runner.deploy;

import java.util.ServiceLoader;
import java.util.TreeSet;
import org.beamsamza.runner.SamzaPipelineOptions;

/** Finds the {@link JobLauncher} of {@code --deployment} on the classpath. */
public final class JobLaunchers {
  private JobLaunchers() {}

  /**
   * @throws IllegalArgumentException naming {@code --deployment}, the deployments found, and for
   *     {@code yarn} the module that provides it, when no launcher serves the option's value
   */
  public static JobLauncher forOptions(SamzaPipelineOptions options) {
    String deployment = options.getDeployment();
    TreeSet<String> found = new TreeSet<>();
    for (JobLauncher launcher :
        ServiceLoader.load(JobLauncher.class, JobLaunchers.class.getClassLoader())) {
      if (launcher.deployment().equals(deployment)) {
        return launcher;
      }
      found.add(launcher.deployment());
    }
    throw new IllegalArgumentException(
        "--deployment="
            + deployment
            + ": no launcher for it on the classpath (found: "
            + String.join(", ", found)
            + ")"
            + ("yarn".equals(deployment)
                ? "; add the org.beamsamza:yarn-launcher artifact to the program's dependencies"
                : ""));
  }
}
