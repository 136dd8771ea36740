package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
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

  private static final FixedWindows TEN_SECONDS = FixedWindows.of(Duration.standardSeconds(10));

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static OperatorHarness partialSum(
      TupleTag<KV<String, int[]>> out, TimestampCombiner combiner, int maxEntries)
      throws Exception {
    Combine.BinaryCombineIntegerFn sum = Sum.ofIntegers();
    return OperatorHarness.open(
        new PartialCombineOperator.Spec<String, Integer, int[]>(
            (Combine.CombineFn) sum,
            StringUtf8Coder.of(),
            (org.apache.beam.sdk.coders.Coder)
                sum.getAccumulatorCoder(CoderRegistry.createDefault(), VarIntCoder.of()),
            (org.apache.beam.sdk.transforms.windowing.WindowFn) TEN_SECONDS,
            combiner,
            out,
            maxEntries));
  }

  /** A value at {@code millis} in its ten-second fixed window. */
  private static WindowedValue<KV<String, Integer>> at(String key, int value, long millis) {
    return WindowedValues.of(
        KV.of(key, value),
        new Instant(millis),
        TEN_SECONDS.assignWindow(new Instant(millis)),
        PaneInfo.NO_FIRING);
  }

  /** "key@windowStart" -> summed value, of what the partial combine emitted. */
  private static Map<String, Integer> sums(List<WindowedValue<KV<String, int[]>>> emitted) {
    Map<String, Integer> sums = new HashMap<>();
    for (WindowedValue<KV<String, int[]>> wv : emitted) {
      IntervalWindow w = (IntervalWindow) wv.getWindows().iterator().next();
      String slot = wv.getValue().getKey() + "@" + w.start().getMillis();
      if (sums.put(slot, wv.getValue().getValue()[0]) != null) {
        throw new AssertionError("emitted twice: " + slot);
      }
    }
    return sums;
  }

  @Test
  public void partialCombineFoldsPerKeyAndWindowAcrossBundlesAndWatermarksThatCloseNothing()
      throws Exception {
    TupleTag<KV<String, int[]>> out = new TupleTag<>("partial");
    OperatorHarness h = partialSum(out, TimestampCombiner.END_OF_WINDOW, 100);
    h.processElement(at("a", 1, 1_000));
    h.processElement(at("a", 2, 2_000));
    h.processElement(at("a", 4, 12_000));
    h.processElement(at("b", 8, 3_000));
    h.finishBundle();
    assertThat("accumulators live across bundles", h.context().outputs(out), empty());

    h.processWatermark(new Instant(5_000));
    h.processElement(at("a", 16, 4_000));
    h.processWatermark(new Instant(9_999)); // the window [0, 10 s) ends at 9,999: still open
    assertThat("no window closed: nothing emitted", h.context().outputs(out), empty());

    h.processWatermark(new Instant(10_000));
    List<WindowedValue<KV<String, int[]>>> closed = h.context().takeOutputs(out);
    assertEquals(
        "exactly the closed window, each (key, window) once",
        Map.of("a@0", 19, "b@0", 8),
        sums(closed));
    for (WindowedValue<KV<String, int[]>> wv : closed) {
      assertEquals(new Instant(9_999), wv.getTimestamp());
    }
    Object last = h.context().log().get(h.context().log().size() - 1);
    assertEquals("the accumulators, then the watermark", new Instant(10_000), last);

    h.processWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    assertEquals(
        "the end of input flushes the rest", Map.of("a@10000", 4), sums(h.context().outputs(out)));
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, h.context().outputWatermark());
  }

  @Test
  public void partialCombineHoldsItsOutputWatermarkAtTheEarliestTimestampItHolds()
      throws Exception {
    TupleTag<KV<String, int[]>> out = new TupleTag<>("partial");
    OperatorHarness h = partialSum(out, TimestampCombiner.EARLIEST, 100);
    h.processWatermark(new Instant(500));
    assertEquals(
        "nothing held: the watermark follows", new Instant(500), h.context().outputWatermark());

    h.processElement(at("a", 1, 3_000));
    h.processElement(at("b", 1, 2_500));
    h.processElement(at("a", 1, 14_000));
    h.processWatermark(new Instant(6_000));
    assertEquals(
        "held at the earliest timestamp of a held accumulator",
        new Instant(2_500),
        h.context().outputWatermark());
    h.processWatermark(new Instant(15_000)); // closes [0, 10 s) only
    assertEquals(Map.of("a@0", 1, "b@0", 1), sums(h.context().takeOutputs(out)));
    assertEquals(
        "then held at what the open window holds",
        new Instant(14_000),
        h.context().outputWatermark());
    for (Instant w : h.context().emittedWatermarks()) {
      assertThat("never above a held timestamp", w.getMillis(), lessThanOrEqualTo(14_000L));
    }
  }

  @Test
  public void partialCombineEmitsEverythingItHoldsBeforeACommit() throws Exception {
    TupleTag<KV<String, int[]>> out = new TupleTag<>("partial");
    OperatorHarness h = partialSum(out, TimestampCombiner.EARLIEST, 100);
    h.processWatermark(new Instant(1_000));
    h.processElement(at("a", 1, 2_000));
    h.processElement(at("a", 2, 12_000));
    h.processElement(at("b", 4, 3_000));
    h.finishBundle();
    h.operator().prepareCommit();
    assertEquals(
        "open windows too: nothing only on the heap past a checkpoint",
        Map.of("a@0", 1, "a@10000", 2, "b@0", 4),
        sums(h.context().takeOutputs(out)));
    assertEquals(
        "nothing held: the output watermark catches up with the input",
        new Instant(1_000),
        h.context().outputWatermark());
    h.processElement(at("a", 8, 4_000));
    h.processWatermark(new Instant(10_000));
    assertEquals(
        "a fresh accumulator after the commit",
        Map.of("a@0", 8),
        sums(h.context().takeOutputs(out)));
  }

  @Test
  public void partialCombineEmitsEverythingAtItsSizeBound() throws Exception {
    TupleTag<KV<String, int[]>> out = new TupleTag<>("partial");
    OperatorHarness h = partialSum(out, TimestampCombiner.EARLIEST, 3);
    h.processWatermark(new Instant(1_000));
    h.processElement(at("a", 1, 2_000));
    h.processElement(at("a", 2, 2_500)); // the same (key, window): still one entry
    h.processElement(at("b", 4, 12_000));
    assertThat("two entries, below the bound of three", h.context().outputs(out), empty());
    h.processElement(at("c", 8, 3_000));
    assertEquals(
        "the third entry reaches the bound: all of them",
        Map.of("a@0", 3, "b@10000", 4, "c@0", 8),
        sums(h.context().takeOutputs(out)));
    h.processElement(at("a", 16, 3_000));
    h.processWatermark(new Instant(2_000));
    assertThat("an entry below the bound is held again", h.context().outputs(out), empty());
  }

  @Test
  public void partialCombineFlushesLateDataAtTheEndOfTheBundle() throws Exception {
    TupleTag<KV<String, int[]>> out = new TupleTag<>("partial");
    OperatorHarness h = partialSum(out, TimestampCombiner.EARLIEST, 100);
    h.processWatermark(new Instant(20_000));
    h.processElement(at("a", 1, 2_000)); // its window [0, 10 s) closed already
    h.processElement(at("a", 2, 22_000));
    h.finishBundle();
    assertEquals(
        "the late window's accumulator goes at once, the open one stays",
        Map.of("a@0", 1),
        sums(h.context().takeOutputs(out)));
  }
}
