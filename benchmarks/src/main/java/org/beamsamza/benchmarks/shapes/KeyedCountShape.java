package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Shape 2: Count.perKey (a Combine) over {@value #KEYS} keys, global window. */
public final class KeyedCountShape implements Shape {
  static final int KEYS = 10_000;

  @Override
  public String name() {
    return "keyed-count";
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply(
            "Key",
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via((Long i) -> KV.of(i % KEYS, i)))
        .apply(Count.perKey())
        .apply(
            "Tally",
            ParDo.of(
                new Tally<KV<Long, Long>>(
                    (kv, w) -> kv.getValue(), (kv, w) -> (kv.getKey() + 1) * kv.getValue())));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long[] counts = new long[KEYS];
    for (long i = 0; i < events; i++) {
      counts[(int) (i % KEYS)]++;
    }
    long outputs = 0;
    long checksum = 0;
    for (int k = 0; k < KEYS; k++) {
      outputs += counts[k] > 0 ? 1 : 0;
      checksum += (k + 1L) * counts[k];
    }
    return ShapeCheck.answer(outputs, events, checksum);
  }
}
