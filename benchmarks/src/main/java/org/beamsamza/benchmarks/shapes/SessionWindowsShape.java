package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * Shape 5, merging windows (SessionWindowsBenchmark's pipeline): {@value #KEYS} keys, one event
 * every 10 ms, so each key sees an event every 100 s; sessions with a 150 s gap merge all of a
 * key's events into one session. Count.perKey per session.
 */
public final class SessionWindowsShape implements Shape {
  public static final int KEYS = 10_000;
  static final Duration GAP = Duration.standardSeconds(150);

  @Override
  public String name() {
    return "sessions";
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply("KeyedEvents", ParDo.of(new KeyedEvents(KEYS)))
        .apply(Window.into(Sessions.withGapDuration(GAP)))
        .apply(Count.perKey())
        .apply(
            "Tally",
            ParDo.of(
                new Tally<KV<Long, Long>>(
                    (kv, w) -> kv.getValue(), (kv, w) -> (kv.getKey() + 1) * kv.getValue())));
  }

  @Override
  public Map<String, Long> expected(long events) {
    // one session per key that has an event (events of a key are 100 s apart, under the gap)
    long checksum = 0;
    for (long i = 0; i < events; i++) {
      checksum += i % KEYS + 1;
    }
    return ShapeCheck.answer(Math.min(events, KEYS), events, checksum);
  }
}
