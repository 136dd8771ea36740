package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Shape 1, stateless: {@code x = 3i + 1}, keep the even {@code x}. No shuffle at all. */
public final class MapFilterShape implements Shape {
  @Override
  public String name() {
    return "map-filter";
  }

  @Override
  public void expand(Pipeline p, long events) {
    p.apply(GenerateSequence.from(0).to(events))
        .apply("Map", MapElements.into(TypeDescriptors.longs()).via((Long i) -> 3 * i + 1))
        .apply("Filter", Filter.by((Long x) -> x % 2 == 0))
        .apply("Tally", ParDo.of(new Tally<Long>((x, w) -> x, (x, w) -> x * x)));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long outputs = 0;
    long value = 0;
    long checksum = 0;
    for (long i = 0; i < events; i++) {
      long x = 3 * i + 1;
      if (x % 2 == 0) {
        outputs++;
        value += x;
        checksum += x * x;
      }
    }
    return ShapeCheck.answer(outputs, value, checksum);
  }
}
