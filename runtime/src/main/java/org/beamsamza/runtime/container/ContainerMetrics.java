package org.beamsamza.runtime.container;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.beamsamza.runtime.metrics.MetricsRegistryMap;
import org.beamsamza.runtime.metrics.Timer;
import org.beamsamza.runtime.storage.StoreRestoreStats;

/**
 * Metrics of one container, readable from any thread while it runs, in its registry under group
 * {@value #GROUP}. The run loop publishes counts with ordered (lazy) writes, so counting costs no
 * memory fence per message; {@code process} calls are timed one in {@value #PROCESS_SAMPLE}.
 */
public final class ContainerMetrics {
  public static final String GROUP = "container";
  static final int PROCESS_SAMPLE = 64;

  private final MetricsRegistryMap registry = new MetricsRegistryMap();
  private final AtomicLong messagesProcessed = new AtomicLong();
  private final AtomicLong messagesSent = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong windowCalls = new AtomicLong();
  private final List<StoreRestoreStats> storeRestores = new CopyOnWriteArrayList<>();
  final Timer processNs = registry.newTimer(GROUP, "process-ns");
  final Timer windowNs = registry.newTimer(GROUP, "window-ns");
  final Timer commitNs = registry.newTimer(GROUP, "commit-ns");

  /** Time the commit spent flushing producers: blocked until outputs took what was sent. */
  final Timer flushNs = registry.newTimer(GROUP, "output-flush-ns");

  ContainerMetrics() {
    registry.newGauge(GROUP, "messages-processed", messagesProcessed::get);
    registry.newGauge(GROUP, "messages-sent", messagesSent::get);
    registry.newGauge(GROUP, "commit-calls", commits::get);
    registry.newGauge(GROUP, "window-calls", windowCalls::get);
    registry.newGauge(
        GROUP,
        "store-restored-records",
        () -> storeRestores.stream().mapToLong(StoreRestoreStats::records).sum());
    registry.newGauge(
        GROUP,
        "store-restore-ms",
        () -> storeRestores.stream().mapToLong(StoreRestoreStats::millis).sum());
  }

  /** This container's registry: the metrics above and whatever its systems add. */
  public MetricsRegistryMap getRegistry() {
    return registry;
  }

  /** Calls to {@code process}, i.e. envelopes times the tasks they were delivered to. */
  public long getMessagesProcessed() {
    return messagesProcessed.get();
  }

  /** Messages tasks sent through the container's collector. */
  public long getMessagesSent() {
    return messagesSent.get();
  }

  public long getCommits() {
    return commits.get();
  }

  /** Calls to {@code window}, counted per task. */
  public long getWindowCalls() {
    return windowCalls.get();
  }

  /** One entry per logged store opened by this container, in opening order. */
  public List<StoreRestoreStats> getStoreRestores() {
    return List.copyOf(storeRestores);
  }

  void addStoreRestore(StoreRestoreStats stats) {
    storeRestores.add(stats);
  }

  void setMessagesProcessed(long n) {
    messagesProcessed.lazySet(n);
  }

  void setMessagesSent(long n) {
    messagesSent.lazySet(n);
  }

  void incCommits() {
    commits.lazySet(commits.get() + 1);
  }

  void addWindowCalls(long n) {
    windowCalls.lazySet(windowCalls.get() + n);
  }

  @Override
  public String toString() {
    return "ContainerMetrics{processed="
        + getMessagesProcessed()
        + ", sent="
        + getMessagesSent()
        + ", commits="
        + getCommits()
        + ", windowCalls="
        + getWindowCalls()
        + "}";
  }
}
