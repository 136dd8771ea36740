package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * Shape 3: Count.perKey in 60 s fixed windows over {@value #KEYS} keys (6,000 events per window, 6
 * per key).
 */
public final class FixedWindowsShape implements Shape {
  static final int KEYS = 1_000;
  static final long WINDOW_MS = 60_000;

  @Override
  public String name() {
    return "fixed-windows";
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply("KeyedEvents", ParDo.of(new KeyedEvents(KEYS)))
        .apply(Window.into(FixedWindows.of(Duration.millis(WINDOW_MS))))
        .apply(Count.perKey())
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
    long checksum = 0;
    long window = -1;
    boolean[] seen = new boolean[KEYS];
    for (long i = 0; i < events; i++) {
      long key = i % KEYS;
      long w = KeyedEvents.timestampMs(i) / WINDOW_MS;
      if (w != window) {
        seen = new boolean[KEYS];
        window = w;
      }
      if (!seen[(int) key]) {
        seen[(int) key] = true;
        outputs++;
      }
      checksum += (key + 1) * (w + 1);
    }
    return ShapeCheck.answer(outputs, events, checksum);
  }
}
