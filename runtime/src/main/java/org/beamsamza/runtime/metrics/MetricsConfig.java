package org.beamsamza.runtime.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemFactory;

/**
 * The reporters a container runs, from Samza's keys: {@code metrics.reporters} lists names, comma
 * separated (none when unset); {@code metrics.reporter.<name>.class} names each one's {@link
 * MetricsReporterFactory}. The name {@value #JMX} needs no class: it is {@link JmxReporterFactory}.
 */
public final class MetricsConfig {
  public static final String REPORTERS = "metrics.reporters";
  public static final String JMX = "jmx";

  /** The job's name and run id, for reporters that name the job (Samza's keys). */
  public static final String JOB_NAME = "job.name";

  public static final String JOB_ID = "job.id";

  private MetricsConfig() {}

  public static String reporterKey(String name, String key) {
    return "metrics.reporter." + name + "." + key;
  }

  /** The configured reporters of one container, made but not started. */
  public static List<MetricsReporter> reporters(
      String containerId, Config config, Map<String, SystemFactory> systems) {
    List<MetricsReporter> reporters = new ArrayList<>();
    for (String name : names(config)) {
      reporters.add(factory(name, config).getMetricsReporter(name, containerId, config, systems));
    }
    return reporters;
  }

  static List<String> names(Config config) {
    String list = config.get(REPORTERS, "");
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static MetricsReporterFactory factory(String name, Config config) {
    String key = reporterKey(name, "class");
    String className = config.get(key);
    if (className == null) {
      if (name.equals(JMX)) {
        return new JmxReporterFactory();
      }
      throw new IllegalArgumentException(
          "Metrics reporter '"
              + name
              + "' is listed in "
              + REPORTERS
              + " but "
              + key
              + " names no factory class");
    }
    try {
      return (MetricsReporterFactory)
          Class.forName(className, true, MetricsConfig.class.getClassLoader())
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          "Metrics reporter '"
              + name
              + "': "
              + key
              + "="
              + className
              + " is not a MetricsReporterFactory with a public no-argument constructor: "
              + e,
          e);
    }
  }
}
