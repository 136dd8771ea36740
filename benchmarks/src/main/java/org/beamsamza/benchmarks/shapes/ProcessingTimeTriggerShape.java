package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Shape 10: Count.perKey over {@value #KEYS} keys in the global window with a repeated
 * processing-time trigger (a pane 500 ms after a pane's first element), discarding fired panes. The
 * number of panes depends on the runner's speed and clock; the check is that the panes add up to
 * every event, each counted once.
 */
public final class ProcessingTimeTriggerShape implements Shape {
  static final int KEYS = 100;

  @Override
  public String name() {
    return "processing-time-trigger";
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply(
            "Key",
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via((Long i) -> KV.of(i % KEYS, i)))
        .apply(
            Window.<KV<Long, Long>>into(new GlobalWindows())
                .triggering(
                    Repeatedly.forever(
                        AfterProcessingTime.pastFirstElementInPane()
                            .plusDelayOf(Duration.millis(500))))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes())
        .apply(Count.perKey())
        .apply(
            "Tally",
            ParDo.of(
                new Tally<KV<Long, Long>>(
                    (kv, w) -> kv.getValue(), (kv, w) -> (kv.getKey() + 1) * kv.getValue())));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long checksum = 0;
    for (long i = 0; i < events; i++) {
      checksum += i % KEYS + 1;
    }
    return ShapeCheck.answer(null, events, checksum);
  }
}
