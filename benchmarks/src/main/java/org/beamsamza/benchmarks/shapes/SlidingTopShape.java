package org.beamsamza.benchmarks.shapes;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Shape 4: counts per key in 60 s windows sliding every 20 s (each event in 3 windows), then the
 * top key of each window (largest count, ties to the larger key). Keys are {@code (i ^ (i >>> 5)) %
 * }{@value #KEYS}, so a window's counts differ between keys and the top is not a tie everywhere.
 */
public final class SlidingTopShape implements Shape {
  static final int KEYS = 100;
  static final long SIZE_MS = 60_000;
  static final long PERIOD_MS = 20_000;

  @Override
  public String name() {
    return "sliding-top";
  }

  static long key(long i) {
    return (i ^ (i >>> 5)) % KEYS;
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply("SkewedKeys", ParDo.of(new SkewedKeys()))
        .apply(
            Window.into(
                SlidingWindows.of(Duration.millis(SIZE_MS)).every(Duration.millis(PERIOD_MS))))
        .apply(Count.perKey())
        .apply("TopPerWindow", Top.of(1, new ByCountThenKey()).withoutDefaults())
        .apply(
            "Tally",
            ParDo.of(
                new Tally<List<KV<Long, Long>>>(
                    (top, w) -> top.get(0).getValue(),
                    (top, w) ->
                        (top.get(0).getKey() + 1) * (Tally.windowIndex(w, PERIOD_MS) + 10))));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long outputs = 0;
    long value = 0;
    long checksum = 0;
    long perPeriod = PERIOD_MS / KeyedEvents.SPACING_MS;
    long perWindow = SIZE_MS / KeyedEvents.SPACING_MS;
    // every window start (a multiple of the period) whose window holds an event, from the one that
    // starts a window size before event 0
    for (long start = -(perWindow - perPeriod); start < events; start += perPeriod) {
      long[] counts = new long[KEYS];
      for (long i = Math.max(0, start); i < Math.min(events, start + perWindow); i++) {
        counts[(int) key(i)]++;
      }
      int top = 0;
      for (int k = 1; k < KEYS; k++) {
        if (counts[k] >= counts[top]) {
          top = k;
        }
      }
      outputs++;
      value += counts[top];
      checksum += (top + 1L) * (Math.floorDiv(start, perPeriod) + 10);
    }
    return ShapeCheck.answer(outputs, value, checksum);
  }

  /** Event {@code i} as {@code KV(key(i), i)} at {@code i * 10} ms. */
  static final class SkewedKeys extends DoFn<Long, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KV<Long, Long>> out) {
      out.outputWithTimestamp(KV.of(key(i), i), new Instant(KeyedEvents.timestampMs(i)));
    }
  }

  /** Largest count first; among equal counts the larger key, so the top is the same everywhere. */
  static final class ByCountThenKey implements Comparator<KV<Long, Long>>, Serializable {
    @Override
    public int compare(KV<Long, Long> a, KV<Long, Long> b) {
      int byCount = Long.compare(a.getValue(), b.getValue());
      return byCount != 0 ? byCount : Long.compare(a.getKey(), b.getKey());
    }
  }
}
