package org.beamsamza.runtime.metrics;

import java.util.Map;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemFactory;

/**
 * Makes the reporter named {@code name} for one container, as configured under {@code
 * metrics.reporter.<name>.*}. Named by {@code metrics.reporter.<name>.class}; needs a public
 * no-argument constructor.
 */
public interface MetricsReporterFactory {
  /**
   * @param systems the container's systems by name, for a reporter that writes to a stream
   */
  MetricsReporter getMetricsReporter(
      String name, String containerId, Config config, Map<String, SystemFactory> systems);
}
