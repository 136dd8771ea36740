package org.beamsamza.runtime.container;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.beamsamza.runtime.metrics.MetricsRegistryMap;
import org.beamsamza.runtime.storage.TaskStorageManager;

/**
 * Metrics of one task in its own registry (group {@value #GROUP}): messages processed, and for each
 * input partition the offset last processed and the lag behind the newest offset the partition's
 * consumer knows ({@link InputPartition#newestOffset}, refreshed on the loop thread at every window
 * tick and commit). The task adds its own metrics to the same registry through its context.
 */
final class TaskMetrics {
  static final String GROUP = "task";

  final MetricsRegistryMap registry = new MetricsRegistryMap();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();

  private volatile boolean finished;

  TaskMetrics() {
    registry.newGauge(GROUP, "messages-processed", processed::get);
    registry.newGauge(GROUP, "messages-sent", sent::get);
    registry.newGauge(GROUP, "finished", () -> finished);
  }

  /** The run loop's counts as of now (window ticks, commits, a task finishing). */
  void publish(long processedCount, long sentCount, boolean isFinished) {
    processed.lazySet(processedCount);
    sent.lazySet(sentCount);
    finished = isFinished;
  }

  /**
   * Adds the task's stores: {@code stores} (each store's counts and sizes as of the last commit)
   * and {@code store-bytes} (their approximate size in all, null if none reports one).
   */
  void addStores(TaskStorageManager stores) {
    registry.newGauge(GROUP, "stores", stores::storeMetrics);
    registry.newGauge(GROUP, "store-restoring-records", stores::restoringRecords);
    registry.newGauge(
        GROUP,
        "store-bytes",
        () -> {
          Long total = null;
          for (Map<String, Long> m : stores.storeMetrics().values()) {
            Long bytes = m.get("approximate-bytes");
            if (bytes != null) {
              total = (total == null ? 0 : total) + bytes;
            }
          }
          return total;
        });
  }

  long getProcessed() {
    return processed.get();
  }

  private static boolean finished(InputPartition.Reader reader) {
    return reader.task.metrics.finished;
  }

  /** Adds the gauges of one input partition of the task. */
  void addInput(InputPartition.Reader reader) {
    String prefix = reader.partition.ssp.toString();
    registry.newGauge(GROUP, prefix + "-offset", () -> reader.lastOffset);
    registry.newGauge(GROUP, prefix + "-lag", () -> lag(reader));
  }

  /**
   * Messages after the last processed one up to the newest known: 0 once the partition ended (the
   * loop delivered everything before its end of stream) or the task finished (it reads no more: its
   * inputs ended in band), null when the system cannot tell or its offsets are not numbers.
   */
  static Long lag(InputPartition.Reader reader) {
    InputPartition p = reader.partition;
    if (p.ended || finished(reader)) {
      return 0L;
    }
    String newest = p.newestOffset;
    if (newest == null) {
      return null;
    }
    try {
      String last = reader.lastOffset;
      long done;
      if (last != null) {
        done = Long.parseLong(last);
      } else {
        done = reader.startOffset != null ? Long.parseLong(reader.startOffset) - 1 : -1;
      }
      return Math.max(0, Long.parseLong(newest) - done);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
