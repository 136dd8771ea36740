package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * The sorted (batch) grouping driven through a fake context: its panes are those of Beam's model,
 * computed here from the inputs, and equal to what the streaming {@link GroupByKeyOperator} emits
 * for the same input; its elements survive a restart in the store; a key too large for the heap
 * gives the same result through store-backed state.
 */
public class SortedGroupByKeyOperatorTest {
  private static final TupleTag<KV<String, Iterable<Integer>>> OUT = new TupleTag<>("grouped");
  private static final Instant END = BoundedWindow.TIMESTAMP_MAX_VALUE;
  private static final Duration GAP = Duration.standardSeconds(10);

  /** An input element, assigned to its proto-session window [ts, ts + gap). */
  private record In(String key, int value, long ts) {
    WindowedValue<KV<String, Integer>> windowed() {
      return WindowedValues.of(
          KV.of(key, value),
          new Instant(ts),
          new IntervalWindow(new Instant(ts), GAP),
          PaneInfo.NO_FIRING);
    }
  }

  /** A pane as compared across runs: key, window, sorted values, timestamp, pane info. */
  private record Pane(
      String key, BoundedWindow window, List<Integer> values, Instant timestamp, PaneInfo pane) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static GroupByKeyOperator.Spec<String, Integer, Iterable<Integer>> sessions(
      TimestampCombiner combiner) {
    return new GroupByKeyOperator.Spec<>(
        StringUtf8Coder.of(),
        (WindowingStrategy)
            WindowingStrategy.of(Sessions.withGapDuration(GAP)).withTimestampCombiner(combiner),
        () -> SystemReduceFn.<String, Integer, BoundedWindow>buffering(VarIntCoder.of()),
        OUT);
  }

  private static SortedGroupByKeyOperator.Spec<String, Integer, Iterable<Integer>> sorted(
      GroupByKeyOperator.Spec<String, Integer, Iterable<Integer>> grouping, int heapElements) {
    return new SortedGroupByKeyOperator.Spec<>(
        grouping, elementCoder(grouping), heapElements, null);
  }

  /** The keyed input's windowed-value coder, as the translators hand it to the operator. */
  private static Coder<WindowedValue<Integer>> elementCoder(
      GroupByKeyOperator.Spec<String, Integer, ?> grouping) {
    return WindowedValues.getFullCoder(
        VarIntCoder.of(), grouping.windowingStrategy().getWindowFn().windowCoder());
  }

  /** Inputs over a few keys whose timestamps make sessions of several elements and gaps. */
  private static List<In> randomInputs(int n, long seed) {
    Random random = new Random(seed);
    List<In> inputs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      inputs.add(new In("k" + random.nextInt(7), i, random.nextInt(200) * 1_000L));
    }
    return inputs;
  }

  /** Beam's answer, from the inputs: per key, sorted timestamps split where the gap is reached. */
  private static Map<String, Map<IntervalWindow, List<Integer>>> expectedSessions(List<In> inputs) {
    Map<String, List<In>> byKey = new TreeMap<>();
    inputs.forEach(in -> byKey.computeIfAbsent(in.key(), k -> new ArrayList<>()).add(in));
    Map<String, Map<IntervalWindow, List<Integer>>> out = new TreeMap<>();
    byKey.forEach(
        (key, ins) -> {
          ins.sort((a, b) -> Long.compare(a.ts(), b.ts()));
          Map<IntervalWindow, List<Integer>> sessions = new HashMap<>();
          List<Integer> values = new ArrayList<>();
          long start = ins.get(0).ts();
          long end = start + GAP.getMillis();
          for (In in : ins) {
            if (in.ts() >= end) {
              sessions.put(new IntervalWindow(new Instant(start), new Instant(end)), values);
              values = new ArrayList<>();
              start = in.ts();
            }
            end = Math.max(end, in.ts() + GAP.getMillis());
            values.add(in.value());
          }
          sessions.put(new IntervalWindow(new Instant(start), new Instant(end)), values);
          out.put(key, sessions);
        });
    return out;
  }

  private static List<Pane> run(OperatorFactory spec, List<In> inputs) throws Exception {
    try (OperatorHarness harness = OperatorHarness.open(spec)) {
      for (In in : inputs) {
        harness.processKeyedElement(StringUtf8Coder.of(), in.windowed());
      }
      harness.finishBundle();
      harness.processWatermark(END);
      assertEquals(END, harness.context().outputWatermark());
      return panes(harness.context().outputs(OUT));
    }
  }

  private static List<Pane> panes(List<WindowedValue<KV<String, Iterable<Integer>>>> out) {
    List<Pane> panes = new ArrayList<>();
    for (WindowedValue<KV<String, Iterable<Integer>>> wv : out) {
      List<Integer> values = new ArrayList<>();
      wv.getValue().getValue().forEach(values::add);
      values.sort(Integer::compare);
      panes.add(
          new Pane(
              wv.getValue().getKey(),
              wv.getWindows().iterator().next(),
              values,
              wv.getTimestamp(),
              wv.getPaneInfo()));
    }
    panes.sort(
        (a, b) ->
            a.key().equals(b.key())
                ? a.window().maxTimestamp().compareTo(b.window().maxTimestamp())
                : a.key().compareTo(b.key()));
    return panes;
  }

  @Test
  public void mergingWindowsGiveBeamsSessionsAtTheEndOfInputAndNothingBefore() throws Exception {
    List<In> inputs = randomInputs(400, 1);
    try (OperatorHarness harness =
        OperatorHarness.open(sorted(sessions(TimestampCombiner.END_OF_WINDOW), 10_000))) {
      for (In in : inputs) {
        harness.processKeyedElement(StringUtf8Coder.of(), in.windowed());
      }
      harness.processWatermark(new Instant(500_000)); // past every window: still not the end
      assertThat(harness.context().outputs(OUT), empty());
      assertThat(harness.context().emittedWatermarks(), empty());

      harness.processWatermark(END);

      Map<String, Map<IntervalWindow, List<Integer>>> actual = new TreeMap<>();
      for (Pane pane : panes(harness.context().outputs(OUT))) {
        assertEquals(PaneInfo.Timing.ON_TIME, pane.pane().getTiming());
        assertTrue(pane.pane().isFirst() && pane.pane().isLast());
        assertEquals(pane.window().maxTimestamp(), pane.timestamp());
        assertNull(
            "one pane per key and session",
            actual
                .computeIfAbsent(pane.key(), k -> new HashMap<>())
                .put((IntervalWindow) pane.window(), pane.values()));
      }
      Map<String, Map<IntervalWindow, List<Integer>>> expected = expectedSessions(inputs);
      expected.values().forEach(m -> m.values().forEach(v -> v.sort(Integer::compare)));
      assertEquals(expected, actual);
      assertEquals(List.of(END), harness.context().emittedWatermarks());
      assertEquals("the log was read and deleted", List.of(), storeEntries(harness));
    }
  }

  @Test
  public void sameOutputAsTheStreamingPathForSessionsAndTimestampCombiners() throws Exception {
    for (TimestampCombiner combiner : TimestampCombiner.values()) {
      List<In> inputs = randomInputs(300, combiner.ordinal() + 7);
      List<Pane> streaming = run(sessions(combiner), inputs);
      assertEquals(combiner.name(), streaming, run(sorted(sessions(combiner), 10_000), inputs));
      // Every key's state in the store (the hot-key path) gives the same answer.
      assertEquals(combiner.name(), streaming, run(sorted(sessions(combiner), 0), inputs));
      // So do the sessions merged and folded directly (the default trigger's one pane).
      var grouping = sessions(combiner);
      assertEquals(
          combiner.name(),
          streaming,
          run(
              new SortedGroupByKeyOperator.Spec<>(
                  grouping,
                  elementCoder(grouping),
                  10_000,
                  SortedGroupByKeyOperator.bufferingFold()),
              inputs));
    }
  }

  /** Sliding windows of 30 s every 10 s: each element is in three windows. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static GroupByKeyOperator.Spec<String, Integer, Iterable<Integer>> sliding(
      TimestampCombiner combiner) {
    return new GroupByKeyOperator.Spec<>(
        StringUtf8Coder.of(),
        (WindowingStrategy)
            WindowingStrategy.of(
                    SlidingWindows.of(Duration.standardSeconds(30))
                        .every(Duration.standardSeconds(10)))
                .withTimestampCombiner(combiner),
        () -> SystemReduceFn.<String, Integer, BoundedWindow>buffering(VarIntCoder.of()),
        OUT);
  }

  private static List<WindowedValue<KV<String, Integer>>> slidingInputs(int n, long seed) {
    List<WindowedValue<KV<String, Integer>>> out = new ArrayList<>();
    for (In in : randomInputs(n, seed)) {
      List<BoundedWindow> windows = new ArrayList<>();
      long start = in.ts() - in.ts() % 10_000;
      for (int k = 0; k < 3; k++) {
        windows.add(
            new IntervalWindow(new Instant(start - k * 10_000L), Duration.standardSeconds(30)));
      }
      out.add(
          WindowedValues.of(
              KV.of(in.key(), in.value()), new Instant(in.ts()), windows, PaneInfo.NO_FIRING));
    }
    return out;
  }

  private static List<Pane> runElements(
      OperatorFactory spec, List<WindowedValue<KV<String, Integer>>> inputs) throws Exception {
    try (OperatorHarness harness = OperatorHarness.open(spec)) {
      for (WindowedValue<KV<String, Integer>> in : inputs) {
        harness.processKeyedElement(StringUtf8Coder.of(), in);
      }
      harness.processWatermark(END);
      return panes(harness.context().outputs(OUT));
    }
  }

  @Test
  public void onePanePerWindowGivesTheReduceFnRunnersPanesForEveryTimestampCombiner()
      throws Exception {
    for (TimestampCombiner combiner : TimestampCombiner.values()) {
      var grouping = sliding(combiner);
      List<WindowedValue<KV<String, Integer>>> inputs = slidingInputs(300, combiner.ordinal());
      List<Pane> streaming = runElements(grouping, inputs);
      assertEquals(
          "every window of every key once", streaming.size(), new HashSet<>(streaming).size());
      // The ReduceFnRunner over heap state, then the direct fold, then a key too large for the
      // heap (past 5 elements) through the store-backed ReduceFnRunner.
      assertEquals(combiner.name(), streaming, runElements(sorted(grouping, 10_000), inputs));
      for (int heap : new int[] {10_000, 5}) {
        SortedGroupByKeyOperator.Spec<String, Integer, Iterable<Integer>> direct =
            new SortedGroupByKeyOperator.Spec<>(
                grouping, elementCoder(grouping), heap, SortedGroupByKeyOperator.bufferingFold());
        assertEquals(combiner.name() + " " + heap, streaming, runElements(direct, inputs));
      }
    }
  }

  @Test
  public void recordsFromTheRepartitionStreamAreLoggedAsTheyCameAndGroupTheSame() throws Exception {
    List<In> inputs = randomInputs(300, 11);
    var grouping = sessions(TimestampCombiner.END_OF_WINDOW);
    try (OperatorHarness harness = OperatorHarness.open(sorted(grouping, 10_000))) {
      harness.startBundle();
      for (In in : inputs) {
        WindowedValue<KV<String, Integer>> element = in.windowed();
        byte[] record =
            StreamRecords.encodeData(elementCoder(grouping), element.withValue(in.value()));
        harness
            .operator()
            .processKeyedRecord(StreamRecords.encodeKey(StringUtf8Coder.of(), in.key()), record);
      }
      harness.processWatermark(END);
      assertEquals(run(grouping, inputs), panes(harness.context().outputs(OUT)));
    }
  }

  @Test
  public void lengthPrefixedValuesComeBackWhole() throws Exception {
    // A string's encoding differs between coder contexts (nested: length-prefixed); records from
    // the stream and elements given decoded must both come back as they were.
    TupleTag<KV<String, Iterable<String>>> grouped = new TupleTag<>("grouped");
    @SuppressWarnings({"unchecked", "rawtypes"})
    GroupByKeyOperator.Spec<String, String, Iterable<String>> grouping =
        new GroupByKeyOperator.Spec<>(
            StringUtf8Coder.of(),
            (WindowingStrategy) WindowingStrategy.globalDefault(),
            () -> SystemReduceFn.<String, String, BoundedWindow>buffering(StringUtf8Coder.of()),
            grouped);
    Coder<WindowedValue<String>> coder =
        WindowedValues.getFullCoder(StringUtf8Coder.of(), GlobalWindow.Coder.INSTANCE);
    for (Combine.CombineFn<String, ?, Iterable<String>> fold :
        Arrays.asList(null, SortedGroupByKeyOperator.<String>bufferingFold())) {
      try (OperatorHarness harness =
          OperatorHarness.open(new SortedGroupByKeyOperator.Spec<>(grouping, coder, 10, fold))) {
        harness.processKeyedElement(
            StringUtf8Coder.of(), WindowedValues.valueInGlobalWindow(KV.of("k", "'quoted' one")));
        WindowedValue<KV<String, String>> viaStream =
            WindowedValues.valueInGlobalWindow(KV.of("k", "two, from the stream"));
        harness
            .operator()
            .processKeyedRecord(
                StreamRecords.encodeKey(StringUtf8Coder.of(), "k"),
                StreamRecords.encodeData(coder, viaStream.withValue("two, from the stream")));
        harness.processWatermark(END);
        List<WindowedValue<KV<String, Iterable<String>>>> out = harness.context().outputs(grouped);
        assertEquals(1, out.size());
        List<String> values = new ArrayList<>();
        out.get(0).getValue().getValue().forEach(values::add);
        assertEquals(List.of("'quoted' one", "two, from the stream"), values);
      }
    }
  }

  @Test
  public void combiningInFixedWindowsMatchesTheStreamingPath() throws Exception {
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
            (WindowingStrategy) WindowingStrategy.of(FixedWindows.of(Duration.standardSeconds(30))),
            () ->
                SystemReduceFn.<String, Integer, int[], Integer, BoundedWindow>combining(
                    StringUtf8Coder.of(), sum),
            summed);
    List<In> inputs = randomInputs(500, 3);
    Map<KV<String, BoundedWindow>, Integer> expected = new HashMap<>();
    for (In in : inputs) {
      long start = in.ts() - in.ts() % 30_000;
      expected.merge(
          KV.of(in.key(), new IntervalWindow(new Instant(start), Duration.standardSeconds(30))),
          in.value(),
          Integer::sum);
    }
    // The ReduceFnRunner (keys past 5 elements on store state), then the direct fold.
    for (Combine.CombineFn<Integer, ?, Integer> fold : Arrays.asList(null, Sum.ofIntegers())) {
      assertEquals(expected, summedPanes(spec, fold, inputs, summed));
    }
  }

  private static Map<KV<String, BoundedWindow>, Integer> summedPanes(
      GroupByKeyOperator.Spec<String, Integer, Integer> spec,
      Combine.CombineFn<Integer, ?, Integer> fold,
      List<In> inputs,
      TupleTag<KV<String, Integer>> summed)
      throws Exception {
    try (OperatorHarness harness =
        OperatorHarness.open(
            new SortedGroupByKeyOperator.Spec<>(spec, elementCoder(spec), 5, fold))) {
      for (In in : inputs) {
        // Fixed windows: the element's own window is its fixed window.
        long start = in.ts() - in.ts() % 30_000;
        harness.processKeyedElement(
            StringUtf8Coder.of(),
            WindowedValues.of(
                KV.of(in.key(), in.value()),
                new Instant(in.ts()),
                new IntervalWindow(new Instant(start), Duration.standardSeconds(30)),
                PaneInfo.NO_FIRING));
      }
      harness.processWatermark(END);
      Map<KV<String, BoundedWindow>, Integer> actual = new HashMap<>();
      for (WindowedValue<KV<String, Integer>> wv : harness.context().outputs(summed)) {
        assertNull(
            actual.put(
                KV.of(wv.getValue().getKey(), wv.getWindows().iterator().next()),
                wv.getValue().getValue()));
        assertEquals(PaneInfo.ON_TIME_AND_ONLY_FIRING, wv.getPaneInfo());
      }
      return actual;
    }
  }

  @Test
  public void aRestartedTaskGroupsWhatItsEarlierRunLoggedAndAnEndSeenTwiceEmitsOnce()
      throws Exception {
    List<In> inputs = randomInputs(200, 5);
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    var spec = sorted(sessions(TimestampCombiner.END_OF_WINDOW), 10_000);
    try (OperatorHarness first =
        OperatorHarness.open(
            spec, new FakeOperatorContext("step", PipelineOptionsFactory.create(), store))) {
      for (In in : inputs.subList(0, 120)) {
        first.processKeyedElement(StringUtf8Coder.of(), in.windowed());
      }
      first.prepareCommit();
      // The process dies here: whatever it held on the heap is gone, the store stays.
    }
    try (OperatorHarness second =
        OperatorHarness.open(
            spec, new FakeOperatorContext("step", PipelineOptionsFactory.create(), store))) {
      for (In in : inputs.subList(120, inputs.size())) {
        second.processKeyedElement(StringUtf8Coder.of(), in.windowed());
      }
      second.processWatermark(END);
      List<Pane> afterRestart = panes(second.context().takeOutputs(OUT));
      assertEquals(run(sessions(TimestampCombiner.END_OF_WINDOW), inputs), afterRestart);

      second.processWatermark(END); // an end delivered again emits nothing more
      assertThat(second.context().outputs(OUT), empty());
    }
  }

  private static List<Entry> storeEntries(OperatorHarness harness) {
    List<Entry> left = new ArrayList<>();
    try (KeyValueIterator it = harness.context().store().all()) {
      it.forEachRemaining(
          e -> {
            // The step's sequence epoch record stays, as for every step that appended.
            if (e.key()[0] != 0x07) {
              left.add(e);
            }
          });
    }
    return left;
  }
}
