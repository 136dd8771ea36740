package org.beamsamza.yarn.am;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.beamsamza.runner.metrics.JobValues;
import org.beamsamza.yarn.ContainerReport;

/**
 * The job's metrics as its containers report them. Each report carries the cumulative values of one
 * container instance (one YARN container), so the job's values are the sum over the latest report
 * of every instance, including those that died: attempted counts work a restarted container replays
 * twice; committed counts what each instance had committed as of its last report (work it committed
 * after that report and before dying is missing, as are its later attempted values).
 */
final class ReportedMetrics {
  private final Map<String, ContainerReport> latestByInstance = new LinkedHashMap<>();

  /** Runtime metric values of each job-model container, from its newest instance's report. */
  private final Map<String, Map<String, Map<String, Map<String, Object>>>> valuesByContainer =
      new java.util.TreeMap<>();

  synchronized void add(ContainerReport report) {
    latestByInstance.put(report.yarnContainerId(), report);
    if (report.metricValues() != null && !report.metricValues().isEmpty()) {
      valuesByContainer.put(report.containerId(), report.metricValues());
    }
  }

  /** The job's runtime metric values as its containers last reported them. */
  synchronized JobValues values() {
    return new JobValues(new LinkedHashMap<>(valuesByContainer));
  }

  synchronized MetricsContainerStepMap attempted() {
    MetricsContainerStepMap all = new MetricsContainerStepMap();
    latestByInstance.values().forEach(r -> all.updateAll(r.attempted()));
    return all;
  }

  synchronized MetricsContainerStepMap committed() {
    MetricsContainerStepMap all = new MetricsContainerStepMap();
    latestByInstance.values().forEach(r -> all.updateAll(r.committed()));
    return all;
  }

  /** Both, as one serializable value for the client. */
  synchronized MetricsContainerStepMap[] snapshot() {
    return new MetricsContainerStepMap[] {attempted(), committed()};
  }
}
