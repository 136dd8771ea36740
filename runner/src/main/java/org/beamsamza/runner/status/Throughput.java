package org.beamsamza.runner.status;

import java.util.HashMap;
import java.util.Map;

/**
 * Messages per second of each task, from two samples of its count at least {@link #MIN_INTERVAL_NS}
 * apart. The page refreshes every few seconds and several viewers may poll at once: a sample taken
 * sooner than that after the last one reuses the last rate instead of dividing a few messages by a
 * few milliseconds.
 */
final class Throughput {
  static final long MIN_INTERVAL_NS = 1_000_000_000L;

  private record Sample(long count, long nanos, Double rate) {}

  private final Map<String, Sample> last = new HashMap<>();

  /**
   * Records {@code count} of {@code key} at {@code nanos} (a monotonic clock); returns messages per
   * second since the previous kept sample, or null before there are two samples (or after the count
   * went down: a restarted container counts afresh).
   */
  synchronized Double perSecond(String key, long count, long nanos) {
    Sample previous = last.get(key);
    if (previous == null || count < previous.count()) {
      last.put(key, new Sample(count, nanos, null));
      return null;
    }
    long elapsed = nanos - previous.nanos();
    if (elapsed < MIN_INTERVAL_NS) {
      return previous.rate();
    }
    double rate = (count - previous.count()) * 1e9 / elapsed;
    last.put(key, new Sample(count, nanos, rate));
    return rate;
  }
}
