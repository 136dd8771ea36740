package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Shape 9: a stateful ParDo over {@value #KEYS} keys that sums each key's events in value state and
 * flushes the sum from an event-time timer set a minute after the first event it holds. How often a
 * key flushes depends on how the runner advances the watermark (a batch runner fires every timer at
 * the end), so the check is on the totals, not on the number of flushes.
 */
public final class TimerStateShape implements Shape {
  static final int KEYS = 1_000;

  @Override
  public String name() {
    return "timers-state";
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply("KeyedEvents", ParDo.of(new KeyedEvents(KEYS)))
        .apply("SumAndFlush", ParDo.of(new SumAndFlush()))
        .apply(
            "Tally",
            ParDo.of(
                new Tally<KV<Long, KV<Long, Long>>>(
                    (kv, w) -> kv.getValue().getKey(),
                    (kv, w) -> (kv.getKey() + 1) * kv.getValue().getValue())));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long checksum = 0;
    for (long i = 0; i < events; i++) {
      checksum += (i % KEYS + 1) * i;
    }
    return ShapeCheck.answer(null, events, checksum);
  }

  /** Emits {@code KV(key, KV(events, sum of their indices))} when the key's timer fires. */
  static final class SumAndFlush extends DoFn<KV<Long, Long>, KV<Long, KV<Long, Long>>> {
    @StateId("key")
    private final StateSpec<ValueState<Long>> keySpec = StateSpecs.value();

    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value();

    @StateId("sum")
    private final StateSpec<ValueState<Long>> sumSpec = StateSpecs.value();

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<Long, Long> event,
        @Timestamp Instant timestamp,
        @StateId("key") ValueState<Long> key,
        @StateId("count") ValueState<Long> count,
        @StateId("sum") ValueState<Long> sum,
        @TimerId("flush") Timer flush) {
      Long held = count.read();
      if (held == null) {
        // the first event since the last flush: the key is kept for the timer, which has no element
        key.write(event.getKey());
        flush.set(timestamp.plus(Duration.standardMinutes(1)));
        held = 0L;
      }
      count.write(held + 1);
      Long s = sum.read();
      sum.write((s == null ? 0 : s) + event.getValue());
    }

    @OnTimer("flush")
    public void onFlush(
        @StateId("key") ValueState<Long> key,
        @StateId("count") ValueState<Long> count,
        @StateId("sum") ValueState<Long> sum,
        OutputReceiver<KV<Long, KV<Long, Long>>> out) {
      Long held = count.read();
      if (held != null) {
        out.output(KV.of(key.read(), KV.of(held, sum.read())));
      }
      key.clear();
      count.clear();
      sum.clear();
    }
  }
}
