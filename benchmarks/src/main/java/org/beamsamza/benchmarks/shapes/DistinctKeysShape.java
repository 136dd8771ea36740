package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Shape 11: Count.perKey where every event has its own key, so the runner holds as many keys of
 * state as there are events (10M at 10M events). Keys are spread ({@code i * 0x9E3779B97F4A7C15L},
 * a bijection) so they do not arrive in key order.
 */
public final class DistinctKeysShape implements Shape {
  private static final long SPREAD = 0x9E3779B97F4A7C15L;

  @Override
  public String name() {
    return "distinct-keys";
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply(
            "OwnKey",
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via((Long i) -> KV.of(i * SPREAD, i)))
        .apply(Count.perKey())
        .apply(
            "Tally",
            ParDo.of(
                new Tally<KV<Long, Long>>(
                    (kv, w) -> kv.getValue(), (kv, w) -> kv.getKey() * kv.getValue())));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long checksum = 0;
    for (long i = 0; i < events; i++) {
      checksum += i * SPREAD;
    }
    return ShapeCheck.answer(events, events, checksum);
  }
}
