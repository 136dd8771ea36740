package org.beamsamza.runtime.metrics;

import com.codahale.metrics.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Durations of a repeated call: a count and a recent distribution (a Dropwizard {@code Timer} over
 * its lock-free exponentially decaying reservoir, which favours the last five minutes).
 */
public final class Timer {
  final com.codahale.metrics.Timer timer =
      new com.codahale.metrics.Timer(
          com.codahale.metrics.LockFreeExponentiallyDecayingReservoir.builder().build());

  public void update(long nanos) {
    timer.update(nanos, TimeUnit.NANOSECONDS);
  }

  public long getCount() {
    return timer.getCount();
  }

  /**
   * What reporters write: {@code count}, and {@code mean-ms}, {@code p50-ms}, {@code p99-ms},
   * {@code max-ms} of the recent distribution.
   */
  public Map<String, Object> summary() {
    Snapshot s = timer.getSnapshot();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", timer.getCount());
    m.put("mean-ms", millis(s.getMean()));
    m.put("p50-ms", millis(s.getMedian()));
    m.put("p99-ms", millis(s.get99thPercentile()));
    m.put("max-ms", millis(s.getMax()));
    return m;
  }

  private static double millis(double nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  @Override
  public String toString() {
    return summary().toString();
  }
}
