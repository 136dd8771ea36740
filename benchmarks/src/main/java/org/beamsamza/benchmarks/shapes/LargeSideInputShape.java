package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Shape 8: a ParDo that looks every event up in a map side input of {@value #ENTRIES} entries
 * ({@code j -> j * j % 1000003}).
 */
public final class LargeSideInputShape implements Shape {
  static final long ENTRIES = 100_000;

  @Override
  public String name() {
    return "large-side-input";
  }

  @Override
  public String unsupportedOn(String runner) {
    return runner.equals("DirectRunner")
        ? "the DirectRunner takes minutes even at 2,000 events here (119.6 s and a 2.4 GB heap peak on"
            + " 2026-12-02 on a loaded machine): its map view of the 100k entries costs per bundle,"
            + " not once"
        : null;
  }

  static long entry(long j) {
    return j * j % 1_000_003;
  }

  @Override
  public void expand(Pipeline p, long events) {
    PCollectionView<Map<Long, Long>> table =
        p.apply("Entries", GenerateSequence.from(0).to(ENTRIES))
            .apply(
                "Entry",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via((Long j) -> KV.of(j, entry(j))))
            .apply(View.asMap());
    p.apply("Events", GenerateSequence.from(0).to(events))
        .apply("LookUp", ParDo.of(new LookUp(table)).withSideInputs(table))
        .apply("Tally", ParDo.of(new Tally<Long>((v, w) -> v, (v, w) -> v * v)));
  }

  @Override
  public Map<String, Long> expected(long events) {
    long value = 0;
    long checksum = 0;
    for (long i = 0; i < events; i++) {
      long v = entry(i % ENTRIES);
      value += v;
      checksum += v * v;
    }
    return ShapeCheck.answer(events, value, checksum);
  }

  /** Event {@code i} to the table's entry for {@code i % ENTRIES}. */
  static final class LookUp extends DoFn<Long, Long> {
    private final PCollectionView<Map<Long, Long>> table;

    LookUp(PCollectionView<Map<Long, Long>> table) {
      this.table = table;
    }

    @ProcessElement
    public void process(@Element Long i, ProcessContext c) {
      Long v = c.sideInput(table).get(i % ENTRIES);
      if (v == null) {
        throw new IllegalStateException("no side input entry for " + (i % ENTRIES));
      }
      c.output(v);
    }
  }
}
