package org.beamsamza.yarn;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;

/**
 * What a task container tells the ApplicationMaster, periodically and when it ends: its metrics
 * (cumulative for this instance of the container), and, if it failed, why. Crosses the process
 * boundary Java-serialized (both ends run the same staged classpath).
 *
 * @param containerId the job model's container id
 * @param yarnContainerId the YARN container this instance runs in
 * @param pid the process id of this instance (for operators: the status page shows it)
 * @param attempted everything this instance's tasks reported
 * @param committed what they reported as of their last completed commits
 * @param metricValues the container's runtime metrics by source ({@code container}, {@code task
 *     <name>}), group and name, as its registries read now (plain serializable values)
 * @param failure set when the container failed
 */
public record ContainerReport(
    String containerId,
    String yarnContainerId,
    long pid,
    MetricsContainerStepMap attempted,
    MetricsContainerStepMap committed,
    LinkedHashMap<String, Map<String, Map<String, Object>>> metricValues,
    Failure failure)
    implements Serializable {

  /**
   * Why a container failed.
   *
   * @param exception the user's exception, Java-serialized (null if it could not be); only the
   *     client deserializes it, to throw it from {@code waitUntilFinish}
   * @param text its stack trace, for logs, diagnostics and the status page
   * @param reachedRunLoop whether the container got as far as processing (a container failing
   *     before it, in its first instance, fails the same way again: not restarted)
   * @param afterProcessing whether it failed only after finishing its work (closing tasks)
   */
  public record Failure(
      byte[] exception, String text, boolean reachedRunLoop, boolean afterProcessing)
      implements Serializable {}
}
