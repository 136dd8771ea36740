package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/** AssignWindows, PassThrough and PartialCombine operators. */
public class SimpleOperatorsTest {
  @Test
  public void assignWindowsPutsEachElementInItsWindowFnsWindowsKeepingTimestampAndPane()
      throws Exception {
    TupleTag<String> out = new TupleTag<>("out");
    SlidingWindows sliding =
        SlidingWindows.of(Duration.standardSeconds(10)).every(Duration.standardSeconds(5));
    OperatorHarness h =
        OperatorHarness.open(
            new AssignWindowsOperator.Spec<String, IntervalWindow>(
                (org.apache.beam.sdk.transforms.windowing.WindowFn) sliding, out));
    h.processElement(WindowedValues.timestampedValueInGlobalWindow("x", new Instant(7_000)));
    h.processWatermark(new Instant(8_000));
    List<WindowedValue<String>> emitted = h.context().outputs(out);
    assertEquals(1, emitted.size());
    assertThat(
        emitted.get(0).getWindows(),
        containsInAnyOrder(
            new IntervalWindow(new Instant(0), new Instant(10_000)),
            new IntervalWindow(new Instant(5_000), new Instant(15_000))));
    assertEquals(new Instant(7_000), emitted.get(0).getTimestamp());
    assertEquals(new Instant(8_000), h.context().outputWatermark());
    assertEquals("a stateless operator opens no store", 0, h.context().stateStoreRequests());
  }

  @Test
  public void passThroughForwardsElementsAndWatermarks() throws Exception {
    TupleTag<String> out = new TupleTag<>("out");
    OperatorHarness h = OperatorHarness.open(new PassThroughOperator.Spec(out));
    WindowedValue<String> a = WindowedValues.timestampedValueInGlobalWindow("a", new Instant(1));
    h.processElement(a);
    h.processKeyedElement(
        StringUtf8Coder.of(),
        WindowedValues.timestampedValueInGlobalWindow(KV.of("k", 1), new Instant(2)));
    h.processWatermark(new Instant(5));
    assertEquals(List.of(a.getValue(), KV.of("k", 1), new Instant(5)), h.context().log());
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void partialCombineFoldsPerKeyAndWindowAndFlushesBeforeTheWatermark() throws Exception {
    TupleTag<KV<String, int[]>> out = new TupleTag<>("partial");
    Combine.BinaryCombineIntegerFn sum = Sum.ofIntegers();
    OperatorHarness h =
        OperatorHarness.open(
            new PartialCombineOperator.Spec<String, Integer, int[]>(
                (Combine.CombineFn) sum,
                StringUtf8Coder.of(),
                (org.apache.beam.sdk.coders.Coder)
                    sum.getAccumulatorCoder(CoderRegistry.createDefault(), VarIntCoder.of()),
                TimestampCombiner.END_OF_WINDOW,
                out,
                100));
    FixedWindows fixed = FixedWindows.of(Duration.standardSeconds(10));
    long[][] inputs = {{1, 1_000}, {2, 2_000}, {4, 12_000}};
    for (long[] in : inputs) {
      IntervalWindow w = fixed.assignWindow(new Instant(in[1]));
      h.processElement(
          WindowedValues.of(KV.of("a", (int) in[0]), new Instant(in[1]), w, PaneInfo.NO_FIRING));
    }
    h.processElement(
        WindowedValues.of(
            KV.of("b", 8),
            new Instant(3_000),
            fixed.assignWindow(new Instant(3_000)),
            PaneInfo.NO_FIRING));
    h.finishBundle();
    assertThat("accumulators live across bundles", h.context().outputs(out), empty());

    h.processWatermark(new Instant(5_000));
    List<Object> log = h.context().log();
    assertEquals(
        "all accumulators, then the watermark", new Instant(5_000), log.get(log.size() - 1));
    Map<String, Integer> sums = new HashMap<>();
    for (WindowedValue<KV<String, int[]>> wv : h.context().outputs(out)) {
      IntervalWindow w = (IntervalWindow) wv.getWindows().iterator().next();
      assertEquals(w.maxTimestamp(), wv.getTimestamp());
      sums.put(
          wv.getValue().getKey() + "@" + w.start().getMillis(),
          (Integer) sum.extractOutput(wv.getValue().getValue()));
    }
    assertEquals(Map.of("a@0", 3, "a@10000", 4, "b@0", 8), sums);
  }
}
