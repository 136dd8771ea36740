package org.beamsamza.runtime.metrics;

import java.util.Map;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemFactory;

/** Makes a {@link JmxMetricsReporter}: the container's metrics as MBeans of the platform server. */
public final class JmxReporterFactory implements MetricsReporterFactory {
  @Override
  public MetricsReporter getMetricsReporter(
      String name, String containerId, Config config, Map<String, SystemFactory> systems) {
    String jobName = config.get(MetricsConfig.JOB_NAME);
    String jobId = config.get(MetricsConfig.JOB_ID);
    String job = jobName == null ? null : jobId == null ? jobName : jobName + "-" + jobId;
    return new JmxMetricsReporter(job, containerId);
  }
}
