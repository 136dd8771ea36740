package org.beamsamza.runtime.metrics;

import java.util.Map;

/**
 * One source's metrics at one time, as Samza's snapshot reporter writes them to its metrics stream.
 *
 * @param header who and when
 * @param metrics values by group, then name ({@link ReadableMetricsRegistry#values()})
 */
public record MetricsSnapshot(Header header, Map<String, Map<String, Object>> metrics) {

  /**
   * @param jobName the job
   * @param jobId the job's run id (as {@code --jobId})
   * @param containerName the container of the source
   * @param source {@code container} or {@code task <task name>}
   * @param host the host the container runs on
   * @param resetTime when this container instance started (epoch ms): counters restart from zero
   *     with each instance, so a reader keeps the newest snapshot per container, source and reset
   *     time, and sums over those
   * @param time when the snapshot was taken (epoch ms)
   * @param version the snapshot format's version
   */
  public record Header(
      String jobName,
      String jobId,
      String containerName,
      String source,
      String host,
      long resetTime,
      long time,
      int version) {}

  public static final int VERSION = 1;
}
