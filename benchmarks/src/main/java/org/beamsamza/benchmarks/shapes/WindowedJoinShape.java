package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Shape 7: a CoGroupByKey join of two streams (the even events and the odd ones) in 60 s fixed
 * windows over {@value #KEYS} keys; per key and window, the size of the join (left x right).
 */
public final class WindowedJoinShape implements Shape {
  static final int KEYS = 1_000;
  static final long WINDOW_MS = 60_000;
  static final TupleTag<Long> LEFT = new TupleTag<>("left");
  static final TupleTag<Long> RIGHT = new TupleTag<>("right");

  @Override
  public String name() {
    return "windowed-join";
  }

  static long key(long i) {
    return (i / 2) % KEYS;
  }

  @Override
  public void expand(Pipeline p, long events) {
    PCollection<Long> all = p.apply(GenerateSequence.from(0).to(events));
    PCollection<KV<Long, Long>> left =
        all.apply("Left", ParDo.of(new Side(0)))
            .apply("WindowLeft", Window.into(FixedWindows.of(Duration.millis(WINDOW_MS))));
    PCollection<KV<Long, Long>> right =
        all.apply("Right", ParDo.of(new Side(1)))
            .apply("WindowRight", Window.into(FixedWindows.of(Duration.millis(WINDOW_MS))));
    KeyedPCollectionTuple.of(LEFT, left)
        .and(RIGHT, right)
        .apply(CoGroupByKey.create())
        .apply("JoinSize", ParDo.of(new JoinSize()))
        .apply(
            "Tally",
            ParDo.of(
                new Tally<KV<Long, Long>>(
                    (kv, w) -> kv.getValue(),
                    (kv, w) ->
                        (kv.getKey() + 1)
                            * (Tally.windowIndex(w, WINDOW_MS) + 1)
                            * kv.getValue())));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long outputs = 0;
    long value = 0;
    long checksum = 0;
    long perWindow = WINDOW_MS / KeyedEvents.SPACING_MS;
    for (long start = 0; start < events; start += perWindow) {
      long[] left = new long[KEYS];
      long[] right = new long[KEYS];
      for (long i = start; i < Math.min(events, start + perWindow); i++) {
        (i % 2 == 0 ? left : right)[(int) key(i)]++;
      }
      long w = start / perWindow;
      for (int k = 0; k < KEYS; k++) {
        if (left[k] + right[k] > 0) {
          outputs++;
          value += left[k] * right[k];
          checksum += (k + 1L) * (w + 1) * left[k] * right[k];
        }
      }
    }
    return ShapeCheck.answer(outputs, value, checksum);
  }

  /**
   * The events {@code i} with {@code i % 2 == parity}, as {@code KV(key(i), i)} at {@code i * 10}
   * ms.
   */
  static final class Side extends DoFn<Long, KV<Long, Long>> {
    private final long parity;

    Side(long parity) {
      this.parity = parity;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KV<Long, Long>> out) {
      if (i % 2 == parity) {
        out.outputWithTimestamp(KV.of(key(i), i), new Instant(KeyedEvents.timestampMs(i)));
      }
    }
  }

  /** {@code KV(key, left count x right count)}. */
  static final class JoinSize extends DoFn<KV<Long, CoGbkResult>, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element KV<Long, CoGbkResult> joined, OutputReceiver<KV<Long, Long>> out) {
      long left = 0;
      for (Long ignored : joined.getValue().getAll(LEFT)) {
        left++;
      }
      long right = 0;
      for (Long ignored : joined.getValue().getAll(RIGHT)) {
        right++;
      }
      out.output(KV.of(joined.getKey(), left * right));
    }
  }
}
