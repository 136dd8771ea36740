package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.beam.sdk.values.WindowingStrategy.AccumulationMode;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Test;

/**
 * GroupByKeyOperator driven through a fake context: which panes fire when, with what values,
 * timestamps and pane timing, and what output watermark it reports. Expected groups are computed
 * here from the inputs, not by the code under test.
 */
public class GroupByKeyOperatorTest {
  private static final Duration SIZE = Duration.standardSeconds(10);
  private static final TupleTag<KV<String, Iterable<Integer>>> OUT = new TupleTag<>("grouped");
  private static final Instant END = BoundedWindow.TIMESTAMP_MAX_VALUE;

  private OperatorHarness harness;

  @After
  public void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static GroupByKeyOperator.Spec<String, Integer, Iterable<Integer>> buffering(
      WindowingStrategy<?, ?> windowing) {
    return new GroupByKeyOperator.Spec<>(
        StringUtf8Coder.of(),
        (WindowingStrategy) windowing,
        () -> SystemReduceFn.<String, Integer, BoundedWindow>buffering(VarIntCoder.of()),
        OUT);
  }

  private static WindowingStrategy<?, ?> fixed() {
    return WindowingStrategy.of(FixedWindows.of(SIZE));
  }

  private static IntervalWindow windowOf(long ts) {
    long start = ts - Math.floorMod(ts, SIZE.getMillis());
    return new IntervalWindow(new Instant(start), SIZE);
  }

  /** An input element as Window.into(FixedWindows) leaves it. */
  private record In(String key, int value, long ts) {
    WindowedValue<KV<String, Integer>> windowed() {
      return WindowedValues.of(
          KV.of(key, value), new Instant(ts), windowOf(ts), PaneInfo.NO_FIRING);
    }
  }

  private record Group(String key, BoundedWindow window) {}

  /** Beam's answer, computed from the inputs: the groups of windows that end before {@code wm}. */
  private static Map<Group, List<Integer>> closedGroups(List<In> inputs, Instant wm) {
    Map<Group, List<Integer>> groups = new HashMap<>();
    for (In in : inputs) {
      IntervalWindow w = windowOf(in.ts());
      if (w.maxTimestamp().isBefore(wm)) {
        groups.computeIfAbsent(new Group(in.key(), w), g -> new ArrayList<>()).add(in.value());
      }
    }
    return groups;
  }

  private static Map<Group, List<Integer>> emittedGroups(
      List<WindowedValue<KV<String, Iterable<Integer>>>> out) {
    Map<Group, List<Integer>> groups = new HashMap<>();
    for (WindowedValue<KV<String, Iterable<Integer>>> wv : out) {
      assertThat(wv.getWindows(), hasSize(1));
      Group g = new Group(wv.getValue().getKey(), wv.getWindows().iterator().next());
      List<Integer> values = new ArrayList<>();
      wv.getValue().getValue().forEach(values::add);
      assertFalse("one pane per key and window, got a second for " + g, groups.containsKey(g));
      groups.put(g, values);
    }
    return groups;
  }

  private static void assertSameGroups(
      Map<Group, List<Integer>> expected, Map<Group, List<Integer>> actual) {
    assertEquals("groups " + actual, expected.keySet(), actual.keySet());
    expected.forEach(
        (g, values) ->
            assertThat(
                "values of " + g,
                actual.get(g),
                containsInAnyOrder(values.toArray(Integer[]::new))));
  }

  @Test
  public void watermarkFiresExactlyTheClosedWindowsWithTheirGroupsAtTheEndOfWindow()
      throws Exception {
    harness = OperatorHarness.open(buffering(fixed()));
    List<In> inputs =
        List.of(
            new In("a", 1, 1_000),
            new In("b", 4, 3_000),
            new In("a", 2, 5_000),
            new In("a", 3, 12_000),
            new In("b", 5, 15_000),
            new In("b", 7, 19_999),
            new In("a", 6, 25_000));
    for (In in : inputs) {
      harness.processKeyedElement(StringUtf8Coder.of(), in.windowed());
    }
    harness.finishBundle();
    assertThat("nothing fires before the watermark", harness.context().outputs(OUT), empty());

    List<WindowedValue<KV<String, Iterable<Integer>>>> all = new ArrayList<>();
    for (Instant wm :
        List.of(
            new Instant(9_998),
            new Instant(10_000),
            new Instant(15_000),
            new Instant(20_000),
            END)) {
      harness.processWatermark(wm);
      List<WindowedValue<KV<String, Iterable<Integer>>>> fired = harness.context().takeOutputs(OUT);
      for (WindowedValue<KV<String, Iterable<Integer>>> pane : fired) {
        BoundedWindow w = pane.getWindows().iterator().next();
        assertEquals(
            "a pane's timestamp is its window's end", w.maxTimestamp(), pane.getTimestamp());
        assertEquals(PaneInfo.Timing.ON_TIME, pane.getPaneInfo().getTiming());
        assertTrue(pane.getPaneInfo().isFirst());
        assertTrue(pane.getPaneInfo().isLast());
      }
      all.addAll(fired);
      assertSameGroups(closedGroups(inputs, wm), emittedGroups(all));
      // END_OF_WINDOW holds sit at the ends of open windows, all later than wm: nothing held.
      assertEquals(wm, harness.context().outputWatermark());
    }
    assertEquals(END, harness.context().outputWatermark());
    assertNonDecreasing(harness.context().emittedWatermarks());
  }

  @Test
  public void earliestTimestampHoldsTheOutputWatermarkUntilThePaneFires() throws Exception {
    harness =
        OperatorHarness.open(buffering(fixed().withTimestampCombiner(TimestampCombiner.EARLIEST)));
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 1, 17_000).windowed());
    harness.processKeyedElement(StringUtf8Coder.of(), new In("b", 2, 15_000).windowed());
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 3, 12_000).windowed());
    harness.processWatermark(new Instant(16_000));
    // The pending panes will be output at 12 s (a) and 15 s (b): the output watermark may not
    // pass the earliest of them.
    assertEquals(new Instant(12_000), harness.context().outputWatermark());
    assertThat(harness.context().outputs(OUT), empty());

    harness.processWatermark(new Instant(18_000));
    assertEquals(new Instant(12_000), harness.context().outputWatermark());

    harness.processWatermark(new Instant(20_000));
    Map<String, Instant> timestamps = new HashMap<>();
    for (WindowedValue<KV<String, Iterable<Integer>>> pane : harness.context().outputs(OUT)) {
      timestamps.put(pane.getValue().getKey(), pane.getTimestamp());
    }
    assertEquals(Map.of("a", new Instant(12_000), "b", new Instant(15_000)), timestamps);
    assertEquals(new Instant(20_000), harness.context().outputWatermark());
    assertNonDecreasing(harness.context().emittedWatermarks());
    for (Instant wm : harness.context().emittedWatermarks()) {
      assertThat(
          "never past the earliest pending output", wm.getMillis(), lessThanOrEqualTo(12_000L));
      if (wm.equals(new Instant(12_000))) {
        break;
      }
    }
  }

  @Test
  public void dataBehindTheWatermarkPlusAllowedLatenessIsDropped() throws Exception {
    harness =
        OperatorHarness.open(buffering(fixed().withAllowedLateness(Duration.standardSeconds(5))));
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 1, 1_000).windowed());
    harness.processWatermark(new Instant(12_000));
    assertEquals(1, harness.context().outputs(OUT).size());
    // Window [0, 10s) may take data until the watermark passes 10s - 1ms + 5s.
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 2, 4_000).windowed());
    harness.processWatermark(new Instant(15_000));
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 3, 3_000).windowed()); // too late
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 9, 9_999).windowed()); // too late
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 4, 21_000).windowed()); // on time
    harness.processWatermark(END);

    List<Integer> onTime = new ArrayList<>();
    List<Integer> late = new ArrayList<>();
    for (WindowedValue<KV<String, Iterable<Integer>>> pane : harness.context().outputs(OUT)) {
      List<Integer> target = pane.getPaneInfo().getTiming() == PaneInfo.Timing.LATE ? late : onTime;
      pane.getValue().getValue().forEach(target::add);
    }
    assertThat(onTime, containsInAnyOrder(1, 4));
    assertThat(late, containsInAnyOrder(2));
    assertEquals(END, harness.context().outputWatermark());
  }

  @Test
  public void dataOfAnExpiredWindowIsDroppedWithoutAllowedLateness() throws Exception {
    harness = OperatorHarness.open(buffering(fixed()));
    harness.processWatermark(new Instant(20_000));
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 1, 5_000).windowed());
    harness.processKeyedElement(StringUtf8Coder.of(), new In("b", 2, 19_999).windowed());
    harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 3, 20_000).windowed());
    harness.processWatermark(END);
    assertSameGroups(
        Map.of(new Group("a", windowOf(20_000)), List.of(3)),
        emittedGroups(harness.context().outputs(OUT)));
  }

  private static WindowingStrategy<?, ?> processingTimeTrigger(Duration delay) {
    return WindowingStrategy.of(new GlobalWindows())
        .withTrigger(
            Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(delay)))
        .withMode(AccumulationMode.DISCARDING_FIRED_PANES);
  }

  @Test
  public void processingTimeTriggerFiresOnATickPastTheDelay() throws Exception {
    // The trigger reads the task's clock (OperatorContext.processingClock()), which the harness
    // moves: each tick's now is the clock's now, so no wall-clock time needs to pass.
    Duration delay = Duration.millis(20);
    harness = OperatorHarness.open(buffering(processingTimeTrigger(delay)));
    Instant t0 = new Instant(1_000_000);
    harness.context().setProcessingTime(t0);
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 1));
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 2));
    harness.processKeyedElement(StringUtf8Coder.of(), global("b", 3));
    harness.finishBundle();

    harness.processProcessingTime(t0.plus(delay)); // due strictly after t0 + delay
    assertThat("not yet: the delay has not passed", harness.context().outputs(OUT), empty());

    Instant t1 = t0.plus(delay).plus(Duration.millis(1));
    harness.processProcessingTime(t1);
    assertEquals(
        Map.of("a", List.of(1, 2), "b", List.of(3)),
        sorted(byKey(harness.context().takeOutputs(OUT))));

    // Discarding: the next pane has only what came after the first one.
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 4));
    harness.finishBundle();
    harness.processProcessingTime(t1.plus(delay).plus(Duration.millis(1)));
    assertEquals(Map.of("a", List.of(4)), sorted(byKey(harness.context().takeOutputs(OUT))));

    harness.processKeyedElement(StringUtf8Coder.of(), global("b", 5));
    harness.processWatermark(END);
    // The end of the window fires the on-time pane of every key with window state, empty or not
    // (the default OnTimeBehavior.FIRE_ALWAYS): a's pane is empty (discarded after the last
    // firing).
    assertEquals(
        Map.of("a", List.of(), "b", List.of(5)), sorted(byKey(harness.context().takeOutputs(OUT))));
    assertEquals(END, harness.context().outputWatermark());
  }

  /**
   * At the end of input a pending processing-time trigger does not fire one more early pane just
   * before the on-time one (Beam's model: the watermark reaching the end of the window fires the
   * on-time pane with everything buffered). The driver used to fire pending processing-time timers
   * first, which emitted the data as an EARLY pane and then an empty ON_TIME pane.
   */
  @Test
  public void atTheEndOfInputAPendingProcessingTimeTriggerDoesNotFireAnExtraEarlyPane()
      throws Exception {
    harness = OperatorHarness.open(buffering(processingTimeTrigger(Duration.standardHours(1))));
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 1));
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 2));
    harness.finishBundle();
    // The trigger's delay has passed on the task's clock, but no window tick ran before the input
    // ended.
    harness.context().setProcessingTime(Instant.now().plus(Duration.standardHours(2)));
    harness.processWatermark(END);

    List<WindowedValue<KV<String, Iterable<Integer>>>> panes = harness.context().takeOutputs(OUT);
    assertEquals("one pane: " + panes, 1, panes.size());
    assertEquals(PaneInfo.Timing.ON_TIME, panes.get(0).getPaneInfo().getTiming());
    assertEquals(Map.of("a", List.of(1, 2)), sorted(byKey(panes)));
    assertEquals(END, harness.context().outputWatermark());
  }

  @Test
  public void processingTimeTriggerFiresAtTheTicksNowNotTheWallClock() throws Exception {
    Duration delay = Duration.standardHours(1);
    harness = OperatorHarness.open(buffering(processingTimeTrigger(delay)));
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 1));
    harness.finishBundle();
    harness.processProcessingTime(Instant.now().plus(delay).plus(Duration.standardMinutes(1)));
    assertEquals(Map.of("a", List.of(1)), sorted(byKey(harness.context().takeOutputs(OUT))));
  }

  @Test
  public void endOfInputEmitsEveryPendingPaneAndReleasesTheWatermark() throws Exception {
    harness = OperatorHarness.open(buffering(WindowingStrategy.globalDefault()));
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 1));
    harness.processKeyedElement(StringUtf8Coder.of(), global("b", 2));
    harness.processKeyedElement(StringUtf8Coder.of(), global("a", 3));
    harness.processWatermark(new Instant(1_000_000));
    assertThat(harness.context().outputs(OUT), empty());
    harness.processWatermark(END);
    assertEquals(
        Map.of("a", List.of(1, 3), "b", List.of(2)), sorted(byKey(harness.context().outputs(OUT))));
    for (WindowedValue<?> pane : harness.context().outputs(OUT)) {
      assertEquals(GlobalWindow.INSTANCE.maxTimestamp(), pane.getTimestamp());
    }
    assertEquals(END, harness.context().outputWatermark());
  }

  @Test
  public void combiningGroupByKeySumsPerKeyAndWindow() throws Exception {
    TupleTag<KV<String, Integer>> summed = new TupleTag<>("summed");
    AppliedCombineFn<String, Integer, int[], Integer> sum =
        AppliedCombineFn.withInputCoder(
            Sum.ofIntegers(),
            CoderRegistry.createDefault(),
            KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    @SuppressWarnings({"unchecked", "rawtypes"})
    GroupByKeyOperator.Spec<String, Integer, Integer> spec =
        new GroupByKeyOperator.Spec<>(
            StringUtf8Coder.of(),
            (WindowingStrategy) fixed(),
            () ->
                SystemReduceFn.<String, Integer, int[], Integer, BoundedWindow>combining(
                    StringUtf8Coder.of(), sum),
            summed);
    harness = OperatorHarness.open(spec);
    List<In> inputs =
        List.of(
            new In("a", 1, 1_000),
            new In("a", 2, 2_000),
            new In("b", 5, 3_000),
            new In("a", 7, 11_000));
    for (In in : inputs) {
      harness.processKeyedElement(StringUtf8Coder.of(), in.windowed());
    }
    harness.processWatermark(END);
    Map<Group, Integer> expected = new HashMap<>();
    for (In in : inputs) {
      expected.merge(new Group(in.key(), windowOf(in.ts())), in.value(), Integer::sum);
    }
    Map<Group, Integer> actual = new HashMap<>();
    for (WindowedValue<KV<String, Integer>> wv : harness.context().outputs(summed)) {
      assertEquals(
          null,
          actual.put(
              new Group(wv.getValue().getKey(), wv.getWindows().iterator().next()),
              wv.getValue().getValue()));
    }
    assertEquals(expected, actual);
  }

  private static WindowedValue<KV<String, Integer>> global(String key, int value) {
    return WindowedValues.valueInGlobalWindow(KV.of(key, value));
  }

  private static Map<String, List<Integer>> byKey(
      List<WindowedValue<KV<String, Iterable<Integer>>>> panes) {
    Map<String, List<Integer>> out = new HashMap<>();
    for (WindowedValue<KV<String, Iterable<Integer>>> pane : panes) {
      List<Integer> values = out.computeIfAbsent(pane.getValue().getKey(), k -> new ArrayList<>());
      pane.getValue().getValue().forEach(values::add);
    }
    return out;
  }

  private static Map<String, List<Integer>> sorted(Map<String, List<Integer>> in) {
    Map<String, List<Integer>> out = new HashMap<>();
    in.forEach((k, v) -> out.put(k, v.stream().sorted().toList()));
    return out;
  }

  static void assertNonDecreasing(List<Instant> watermarks) {
    for (int i = 1; i < watermarks.size(); i++) {
      assertThat(
          "watermark went back: " + watermarks,
          watermarks.get(i),
          greaterThanOrEqualTo(watermarks.get(i - 1)));
    }
  }
}
