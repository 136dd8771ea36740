package org.beamsamza.runtime.metrics;

import com.codahale.metrics.jmx.JmxReporter;
import com.codahale.metrics.jmx.ObjectNameFactory;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers every metric of a container as an MBean of the platform MBean server through
 * Dropwizard's {@link JmxReporter}, named {@code
 * org.beamsamza:job=<job>,type=<group>,container=<id>,source=<source>,name=<name>} (values quoted
 * where JMX needs it; {@code job} is {@code <job.name>-<job.id>} when configured, so that two jobs
 * in one JVM do not collide). Stopping unregisters them, so a restarted container registers its own
 * afresh.
 */
public final class JmxMetricsReporter implements MetricsReporter {
  public static final String DOMAIN = "org.beamsamza";

  private final String job;
  private final String containerId;
  private final Map<String, ReadableMetricsRegistry> registries = new LinkedHashMap<>();
  private final Map<String, JmxReporter> reporters = new LinkedHashMap<>();
  private boolean started;

  /**
   * @param job the job's name and id, or null
   */
  public JmxMetricsReporter(String job, String containerId) {
    this.job = job;
    this.containerId = containerId;
  }

  @Override
  public synchronized void register(String source, ReadableMetricsRegistry registry) {
    registries.put(source, registry);
    if (started) {
      startOne(source, registry);
    }
  }

  @Override
  public synchronized void start() {
    started = true;
    registries.forEach(this::startOne);
  }

  private void startOne(String source, ReadableMetricsRegistry registry) {
    JmxReporter old = reporters.remove(source);
    if (old != null) {
      old.stop();
    }
    JmxReporter reporter =
        JmxReporter.forRegistry(registry.dropwizard())
            .inDomain(DOMAIN)
            .createsObjectNamesWith(new Names(job, containerId, source, registry))
            .build();
    reporter.start();
    reporters.put(source, reporter);
  }

  @Override
  public synchronized void stop() {
    started = false;
    reporters.values().forEach(JmxReporter::stop);
    reporters.clear();
  }

  /** The object name of one metric, given its Dropwizard name {@code group.name}. */
  public static ObjectName objectName(
      String job, String containerId, String source, String group, String name) {
    Hashtable<String, String> keys = new Hashtable<>();
    if (job != null) {
      keys.put("job", quoted(job));
    }
    keys.put("type", quoted(group));
    keys.put("container", quoted(containerId));
    keys.put("source", quoted(source));
    keys.put("name", quoted(name));
    try {
      return new ObjectName(DOMAIN, keys);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("No JMX name for metric " + group + "/" + name, e);
    }
  }

  private static String quoted(String value) {
    for (char c : value.toCharArray()) {
      if (",=:\"*?\n".indexOf(c) >= 0) {
        return ObjectName.quote(value);
      }
    }
    return value;
  }

  private record Names(
      String job, String containerId, String source, ReadableMetricsRegistry registry)
      implements ObjectNameFactory {
    @Override
    public ObjectName createName(String type, String domain, String dropwizardName) {
      for (Map.Entry<String, Map<String, Object>> group : registry.metrics().entrySet()) {
        String prefix = group.getKey() + ".";
        if (dropwizardName.startsWith(prefix)
            && group.getValue().containsKey(dropwizardName.substring(prefix.length()))) {
          return objectName(
              job, containerId, source, group.getKey(), dropwizardName.substring(prefix.length()));
        }
      }
      return objectName(job, containerId, source, "unknown", dropwizardName);
    }
  }
}
