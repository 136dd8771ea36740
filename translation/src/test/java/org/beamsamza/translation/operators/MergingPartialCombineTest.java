package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.MergeOverlappingIntervalWindows;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.transforms.windowing.WindowMappingFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * The partial combine over windows that merge: a key's sessions are merged as they are held, by
 * {@link Sessions}' overlap rule directly or, for any other merging WindowFn, through its {@code
 * mergeWindows}.
 */
@RunWith(Parameterized.class)
public class MergingPartialCombineTest {
  @Parameterized.Parameters(name = "{0}")
  public static Collection<Object[]> windowFns() {
    return List.of(
        new Object[] {"Sessions", Sessions.withGapDuration(Duration.standardSeconds(10))},
        new Object[] {"custom merging WindowFn", new TenSecondGapSessions()});
  }

  private final WindowFn<?, ?> windowFn;
  private final TupleTag<KV<String, int[]>> out = new TupleTag<>("partial");

  public MergingPartialCombineTest(String name, WindowFn<?, ?> windowFn) {
    this.windowFn = windowFn;
  }

  /** Sessions with a 10 s gap, as another class: merged through {@code mergeWindows}. */
  static final class TenSecondGapSessions extends WindowFn<Object, IntervalWindow> {
    @Override
    public Collection<IntervalWindow> assignWindows(AssignContext c) {
      return List.of(new IntervalWindow(c.timestamp(), Duration.standardSeconds(10)));
    }

    @Override
    public void mergeWindows(MergeContext c) throws Exception {
      MergeOverlappingIntervalWindows.mergeWindows(c);
    }

    @Override
    public boolean isCompatible(WindowFn<?, ?> other) {
      return other instanceof TenSecondGapSessions;
    }

    @Override
    public Coder<IntervalWindow> windowCoder() {
      return IntervalWindow.getCoder();
    }

    @Override
    public WindowMappingFn<IntervalWindow> getDefaultWindowMappingFn() {
      throw new UnsupportedOperationException("not a side input window");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private OperatorHarness partialSum(TimestampCombiner combiner, int maxEntries) throws Exception {
    Combine.BinaryCombineIntegerFn sum = Sum.ofIntegers();
    return OperatorHarness.open(
        new PartialCombineOperator.Spec<String, Integer, int[]>(
            (Combine.CombineFn) sum,
            StringUtf8Coder.of(),
            (Coder) sum.getAccumulatorCoder(CoderRegistry.createDefault(), VarIntCoder.of()),
            (WindowFn) windowFn,
            combiner,
            out,
            maxEntries));
  }

  /** A value at {@code seconds} in its proto-session [seconds, seconds + 10 s). */
  private static WindowedValue<KV<String, Integer>> at(String key, int value, long seconds) {
    Instant t = new Instant(seconds * 1_000);
    return WindowedValues.of(
        KV.of(key, value),
        t,
        new IntervalWindow(t, Duration.standardSeconds(10)),
        PaneInfo.NO_FIRING);
  }

  /** "key[startSeconds,endSeconds)" -> summed value, of what was emitted. */
  private static Map<String, Integer> sums(List<WindowedValue<KV<String, int[]>>> emitted) {
    Map<String, Integer> sums = new HashMap<>();
    for (WindowedValue<KV<String, int[]>> wv : emitted) {
      IntervalWindow w = (IntervalWindow) wv.getWindows().iterator().next();
      String slot =
          wv.getValue().getKey()
              + "["
              + w.start().getMillis() / 1_000
              + ","
              + w.end().getMillis() / 1_000
              + ")";
      if (sums.put(slot, wv.getValue().getValue()[0]) != null) {
        throw new AssertionError("emitted twice: " + slot);
      }
    }
    return sums;
  }

  @Test
  public void aKeysOverlappingSessionsLeaveAsOneAccumulatorPerMergedSession() throws Exception {
    OperatorHarness h = partialSum(TimestampCombiner.EARLIEST, 100);
    h.processElement(at("a", 1, 1));
    h.processElement(at("a", 2, 5));
    h.processElement(at("a", 4, 30));
    h.processElement(at("a", 8, 12)); // [12, 22) overlaps [1, 15): one session [1, 22)
    h.processElement(at("b", 16, 3)); // another key's session, same times: apart
    h.operator().prepareCommit();
    List<WindowedValue<KV<String, int[]>>> emitted = h.context().takeOutputs(out);
    assertEquals(Map.of("a[1,22)", 11, "a[30,40)", 4, "b[3,13)", 16), sums(emitted));
    for (WindowedValue<KV<String, int[]>> wv : emitted) {
      IntervalWindow w = (IntervalWindow) wv.getWindows().iterator().next();
      assertEquals("EARLIEST: the session's first element", w.start(), wv.getTimestamp());
    }
  }

  @Test
  public void endOfWindowTimestampsMoveToTheMergedSessionsEnd() throws Exception {
    OperatorHarness h = partialSum(TimestampCombiner.END_OF_WINDOW, 100);
    h.processElement(at("a", 1, 1));
    h.processElement(at("a", 2, 8));
    h.operator().prepareCommit();
    WindowedValue<KV<String, int[]>> only = h.context().takeOutputs(out).get(0);
    assertEquals(new Instant(17_999), only.getTimestamp());
  }

  @Test
  public void sessionsMergeAsTheyAreHeldSoAKeysManyElementsStayBelowTheSizeBound()
      throws Exception {
    int bound = 3 * MergingAccumulatorsByKey.MIN_MERGE_AT;
    OperatorHarness h = partialSum(TimestampCombiner.EARLIEST, bound);
    int total = 0;
    for (int i = 0; i < 10_000; i++) { // one element every 5 s: one session
      h.processElement(at("a", 1, 5L * i));
      total++;
    }
    assertThat(
        "held merged, so 10,000 proto-sessions never reach a bound of " + bound,
        h.context().outputs(out),
        empty());
    h.operator().prepareCommit();
    assertEquals(Map.of("a[0,50005)", total), sums(h.context().takeOutputs(out)));
  }

  @Test
  public void aWatermarkReleasesOnlySessionsThatStillEndBeforeItAfterMerging() throws Exception {
    OperatorHarness h = partialSum(TimestampCombiner.EARLIEST, 100);
    h.processWatermark(new Instant(0));
    h.processElement(at("a", 1, 1)); // [1, 11)
    h.processElement(at("a", 2, 8)); // [8, 18): merged with it, [1, 18)
    h.processElement(at("b", 4, 2)); // [2, 12)
    h.processWatermark(new Instant(5_000));
    assertEquals(
        "held at the earliest held timestamp", new Instant(1_000), h.context().outputWatermark());

    h.processWatermark(new Instant(15_000)); // past [1, 11) and [2, 12), not past [1, 18)
    assertEquals(
        "b's session closed; a's first fragment closed too, but merged it does not",
        Map.of("b[2,12)", 4),
        sums(h.context().takeOutputs(out)));
    assertEquals(new Instant(1_000), h.context().outputWatermark());

    h.processWatermark(new Instant(20_000));
    assertEquals(Map.of("a[1,18)", 3), sums(h.context().takeOutputs(out)));
    assertEquals(new Instant(20_000), h.context().outputWatermark());
    for (Instant w : h.context().emittedWatermarks()) {
      assertThat("never above a held timestamp", w.getMillis(), lessThanOrEqualTo(20_000L));
    }
  }

  @Test
  public void latestTimestampsAreTheGreatestOfTheMergedSessionAndHoldTheWatermarkBelowIt()
      throws Exception {
    // LATEST: the merged output timestamp is the greatest, and it never falls as windows merge.
    OperatorHarness h = partialSum(TimestampCombiner.LATEST, 100);
    h.processWatermark(new Instant(0));
    h.processElement(at("a", 1, 4));
    h.processElement(at("a", 1, 2));
    h.processWatermark(new Instant(3_000));
    assertThat(h.context().outputWatermark().getMillis(), lessThanOrEqualTo(2_000L));
    h.processWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    WindowedValue<KV<String, int[]>> only = h.context().takeOutputs(out).get(0);
    assertEquals(Map.of("a[2,14)", 2), sums(List.of(only)));
    assertEquals("LATEST: the last element's time", new Instant(4_000), only.getTimestamp());
  }

  @Test
  public void elementsInAnyOrderGiveTheSessionsOfTheirSortedTimes() throws Exception {
    java.util.Random random = new java.util.Random(7);
    OperatorHarness h = partialSum(TimestampCombiner.LATEST, 100_000);
    Map<String, java.util.TreeMap<Long, Integer>> byKey = new java.util.TreeMap<>();
    for (int i = 0; i < 2_000; i++) {
      String key = "k" + random.nextInt(5);
      long seconds = random.nextInt(4_000); // about one per 10 s per key: gaps both ways
      int value = 1 + random.nextInt(9);
      h.processElement(at(key, value, seconds));
      byKey
          .computeIfAbsent(key, k -> new java.util.TreeMap<>())
          .merge(seconds, value, Integer::sum);
    }
    Map<String, Integer> expected = new HashMap<>();
    Map<String, Long> expectedLatest = new HashMap<>();
    for (Map.Entry<String, java.util.TreeMap<Long, Integer>> e : byKey.entrySet()) {
      long start = -1;
      long last = -1;
      int sum = 0;
      for (Map.Entry<Long, Integer> t : e.getValue().entrySet()) {
        if (start >= 0 && t.getKey() >= last + 10) {
          expected.put(e.getKey() + "[" + start + "," + (last + 10) + ")", sum);
          expectedLatest.put(e.getKey() + "[" + start + "," + (last + 10) + ")", last * 1_000);
          start = -1;
        }
        if (start < 0) {
          start = t.getKey();
          sum = 0;
        }
        last = t.getKey();
        sum += t.getValue();
      }
      expected.put(e.getKey() + "[" + start + "," + (last + 10) + ")", sum);
      expectedLatest.put(e.getKey() + "[" + start + "," + (last + 10) + ")", last * 1_000);
    }
    h.operator().prepareCommit();
    List<WindowedValue<KV<String, int[]>>> emitted = h.context().takeOutputs(out);
    assertEquals(expected, sums(emitted));
    for (WindowedValue<KV<String, int[]>> wv : emitted) {
      Map<String, Integer> one = sums(List.of(wv));
      String slot = one.keySet().iterator().next();
      assertEquals(slot, (long) expectedLatest.get(slot), wv.getTimestamp().getMillis());
    }
  }
}
