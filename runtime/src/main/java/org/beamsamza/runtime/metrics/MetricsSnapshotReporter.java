package org.beamsamza.runtime.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link MetricsSnapshot} of every registered source to a stream every period, and once
 * more when stopped, as Samza's {@code MetricsSnapshotReporter} does: partition 0, keyed by source,
 * through a producer of its own on its own thread. A snapshot that cannot be written is logged and
 * the next one carries newer values (counters are cumulative), so a slow or absent metrics stream
 * never stops the job.
 */
public final class MetricsSnapshotReporter implements MetricsReporter {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsSnapshotReporter.class);

  private final SystemStream stream;
  private final SystemProducer producer;
  private final MetricsSnapshotSerde serde;
  private final String jobName;
  private final String jobId;
  private final String containerId;
  private final long periodMs;
  private final long resetTime = System.currentTimeMillis();
  private final String host = hostName();
  private final Map<String, ReadableMetricsRegistry> sources = new LinkedHashMap<>();
  private ScheduledExecutorService schedule;

  public MetricsSnapshotReporter(
      SystemStream stream,
      SystemProducer producer,
      MetricsSnapshotSerde serde,
      String jobName,
      String jobId,
      String containerId,
      long periodMs) {
    if (periodMs <= 0) {
      throw new IllegalArgumentException("Snapshot period must be positive, not " + periodMs);
    }
    this.stream = stream;
    this.producer = producer;
    this.serde = serde;
    this.jobName = jobName;
    this.jobId = jobId;
    this.containerId = containerId;
    this.periodMs = periodMs;
  }

  @Override
  public synchronized void register(String source, ReadableMetricsRegistry registry) {
    sources.put(source, registry);
  }

  @Override
  public synchronized void start() {
    if (schedule != null) {
      return;
    }
    producer.start();
    schedule =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-snapshot-" + containerId);
              t.setDaemon(true);
              return t;
            });
    schedule.scheduleWithFixedDelay(this::reportQuietly, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    ScheduledExecutorService s;
    synchronized (this) {
      s = schedule;
      schedule = null;
    }
    if (s == null) {
      return;
    }
    s.shutdown();
    try {
      s.awaitTermination(periodMs + 10_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reportQuietly();
    try {
      producer.stop();
    } catch (RuntimeException e) {
      LOG.warn("Container {}: stopping the metrics producer failed", containerId, e);
    }
  }

  /** Writes and flushes one snapshot of every source now. */
  public synchronized void report() {
    long now = System.currentTimeMillis();
    for (Map.Entry<String, ReadableMetricsRegistry> e : sources.entrySet()) {
      MetricsSnapshot snapshot =
          new MetricsSnapshot(
              new MetricsSnapshot.Header(
                  jobName,
                  jobId,
                  containerId,
                  e.getKey(),
                  host,
                  resetTime,
                  now,
                  MetricsSnapshot.VERSION),
              e.getValue().values());
      byte[] key = (containerId + "/" + e.getKey()).getBytes(StandardCharsets.UTF_8);
      producer.send(new OutgoingMessageEnvelope(stream, 0, key, serde.toBytes(snapshot)));
    }
    producer.flush();
  }

  private void reportQuietly() {
    try {
      report();
    } catch (RuntimeException e) {
      LOG.warn("Container {}: writing a metrics snapshot to {} failed", containerId, stream, e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
