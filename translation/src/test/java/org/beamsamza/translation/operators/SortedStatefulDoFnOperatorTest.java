package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.translation.streams.StreamRecords;
import org.beamsamza.translation.streams.UndecodableRecordException;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * SortedStatefulDoFnOperator driven through a fake context, checked against the streaming operator
 * ({@link StatefulDoFnOperator}) on the same input: each key's output is the streaming path's,
 * timers included (loops, processing-time timers before event-time ones, window expiration);
 * nothing leaves before the end of input; a key past the heap bound keeps its state in the store
 * and is read in batches; logged elements survive a restart.
 */
public class SortedStatefulDoFnOperatorTest {
  private static final TupleTag<String> OUT = new TupleTag<>("out");
  private static final Instant END = BoundedWindow.TIMESTAMP_MAX_VALUE;

  private static StatefulDoFnOperator.Spec streaming(
      DoFn<?, ?> fn, WindowingStrategy<?, ?> windowing) {
    return new StatefulDoFnOperator.Spec(
        fn,
        OUT,
        List.of(),
        StringUtf8Coder.of(),
        KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()),
        Map.of(OUT, StringUtf8Coder.of()),
        windowing,
        DoFnSchemaInformation.create(),
        Map.of(),
        List.of());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SortedStatefulDoFnOperator.Spec sorted(
      DoFn<?, ?> fn, WindowingStrategy<?, ?> windowing, int heapElements) {
    Coder<WindowedValue<Object>> elementCoder =
        (Coder)
            WindowedValues.getFullCoder(
                VarIntCoder.of(), (Coder) windowing.getWindowFn().windowCoder());
    return new SortedStatefulDoFnOperator.Spec(
        streaming(fn, windowing), elementCoder, heapElements);
  }

  private record In(String key, int value, long ts) {
    WindowedValue<KV<String, Integer>> windowed(WindowingStrategy<?, ?> windowing) {
      BoundedWindow window =
          windowing.getWindowFn() instanceof FixedWindows fixed
              ? fixed.assignWindow(new Instant(ts))
              : org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE;
      return WindowedValues.of(
          KV.of(key, value),
          new Instant(ts),
          window,
          org.apache.beam.sdk.transforms.windowing.PaneInfo.NO_FIRING);
    }
  }

  private static List<In> randomInputs(int count, int keys, long seed) {
    Random random = new Random(seed);
    List<In> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new In("k" + random.nextInt(keys), random.nextInt(100), random.nextInt(60_000)));
    }
    return out;
  }

  /** Output as value@timestamp, for comparing runs whose order across keys may differ. */
  private static List<String> run(OperatorFactory spec, WindowingStrategy<?, ?> w, List<In> inputs)
      throws Exception {
    try (OperatorHarness harness = OperatorHarness.open(spec)) {
      for (In in : inputs) {
        harness.processKeyedElement(StringUtf8Coder.of(), in.windowed(w));
      }
      harness.processWatermark(END);
      assertEquals(END, harness.context().outputWatermark());
      return stamped(harness.context().outputs(OUT));
    }
  }

  private static List<String> stamped(List<WindowedValue<String>> out) {
    return out.stream().map(v -> v.getValue() + "@" + v.getTimestamp().getMillis()).toList();
  }

  /**
   * Per key and window: counts its elements; the first sets an event-time timer a second later that
   * reports the count and sets itself again three times (a timer loop), and a processing-time timer
   * an hour later that marks the key; window expiration reports whether the mark came first.
   */
  public static class CountLoopAndExpire extends DoFn<KV<String, Integer>, String> {
    @StateId("count")
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("rounds")
    private final StateSpec<ValueState<Integer>> roundsSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("marked")
    private final StateSpec<ValueState<Integer>> markedSpec = StateSpecs.value(VarIntCoder.of());

    @TimerId("loop")
    private final TimerSpec loopSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("mark")
    private final TimerSpec markSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @ProcessElement
    public void process(
        @Timestamp Instant ts,
        @StateId("count") ValueState<Integer> count,
        @TimerId("loop") Timer loop,
        @TimerId("mark") Timer mark) {
      Integer c = count.read();
      if (c == null) {
        loop.set(ts.plus(Duration.standardSeconds(1)));
        mark.offset(Duration.standardHours(1)).setRelative();
        c = 0;
      }
      count.write(c + 1);
    }

    @OnTimer("loop")
    public void onLoop(
        @Key String key,
        @Timestamp Instant ts,
        @StateId("count") ValueState<Integer> count,
        @StateId("rounds") ValueState<Integer> rounds,
        @TimerId("loop") Timer loop,
        OutputReceiver<String> out) {
      int r = rounds.read() == null ? 0 : rounds.read();
      out.output(key + " round " + r + " count " + count.read());
      rounds.write(r + 1);
      if (r < 2) {
        loop.set(ts.plus(Duration.standardSeconds(1)));
      }
    }

    @OnTimer("mark")
    public void onMark(@StateId("marked") ValueState<Integer> marked) {
      marked.write(1);
    }

    @OnWindowExpiration
    public void onExpiration(
        @Key String key,
        @StateId("marked") ValueState<Integer> marked,
        @StateId("rounds") ValueState<Integer> rounds,
        OutputReceiver<String> out) {
      out.output(key + " expired, marked " + marked.read() + ", rounds " + rounds.read());
    }
  }

  @Test
  public void eachKeysOutputIsTheStreamingPathsInGlobalAndFixedWindows() throws Exception {
    for (WindowingStrategy<?, ?> windowing :
        List.of(
            WindowingStrategy.globalDefault(),
            // lateness: a window's timer loop may run past its end
            WindowingStrategy.of(FixedWindows.of(Duration.standardSeconds(10)))
                .withAllowedLateness(Duration.standardMinutes(1)))) {
      List<In> inputs = randomInputs(300, 7, 42);
      List<String> streamingOut =
          run(streaming(new CountLoopAndExpire(), windowing), windowing, inputs);
      List<String> sortedOut =
          run(sorted(new CountLoopAndExpire(), windowing, 10_000), windowing, inputs);
      assertThat(windowing.toString(), sortedOut, containsInAnyOrder(streamingOut.toArray()));
      // Every key and window looped three times, and its mark fired before it expired.
      long windows = streamingOut.stream().filter(s -> s.contains("expired")).count();
      assertEquals(3 * windows, streamingOut.stream().filter(s -> s.contains(" round ")).count());
      assertThat(
          streamingOut.stream()
              .filter(s -> s.contains("expired"))
              .filter(s -> !s.contains("marked 1, rounds 3"))
              .toList(),
          empty());
    }
  }

  @Test
  public void nothingLeavesBeforeTheEndOfInputAndAnEndSeenTwiceRunsOnce() throws Exception {
    WindowingStrategy<?, ?> global = WindowingStrategy.globalDefault();
    try (OperatorHarness harness =
        OperatorHarness.open(sorted(new StatefulDoFnOperatorTest.SumThenFlush(), global, 10))) {
      for (In in : List.of(new In("a", 1, 1_000), new In("b", 2, 2_000), new In("a", 3, 3_000))) {
        harness.processKeyedElement(StringUtf8Coder.of(), in.windowed(global));
      }
      harness.processWatermark(new Instant(3_600_000));
      assertThat(harness.context().outputs(OUT), empty());
      assertThat(harness.context().emittedWatermarks(), empty());

      harness.processWatermark(END);
      assertThat(
          stamped(harness.context().takeOutputs(OUT)),
          containsInAnyOrder("a=4[1, 3]@3000", "b=2[2]@2000"));
      assertEquals(List.of(END), harness.context().emittedWatermarks());

      harness.processWatermark(END);
      assertThat(harness.context().outputs(OUT), empty());
    }
  }

  @Test
  public void aKeyPastTheHeapBoundIsReadInBatchesWithItsStateInTheStore() throws Exception {
    WindowingStrategy<?, ?> global = WindowingStrategy.globalDefault();
    List<In> inputs = new ArrayList<>();
    int hotElements = 2 * SortedKeyedInput.BATCH + 17;
    for (int i = 0; i < hotElements; i++) {
      inputs.add(new In("hot", i % 10, i));
      if (i % 500 == 0) {
        inputs.add(new In("cold" + i, 1, i));
      }
    }
    List<String> streamingOut =
        run(streaming(new StatefulDoFnOperatorTest.SumThenFlush(), global), global, inputs);
    List<String> sortedOut =
        run(sorted(new StatefulDoFnOperatorTest.SumThenFlush(), global, 100), global, inputs);
    assertThat(sortedOut, containsInAnyOrder(streamingOut.toArray()));
    // The hot key's bag held every one of its elements.
    String hot = sortedOut.stream().filter(s -> s.startsWith("hot=")).findFirst().orElseThrow();
    assertEquals(hotElements, hot.substring(hot.indexOf('[') + 1).split(", ").length);
  }

  @Test
  public void aRestartedTaskRunsWhatItsEarlierRunLogged() throws Exception {
    WindowingStrategy<?, ?> global = WindowingStrategy.globalDefault();
    List<In> inputs = randomInputs(200, 5, 7);
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    var spec = sorted(new CountLoopAndExpire(), global, 10_000);
    try (OperatorHarness first =
        OperatorHarness.open(
            spec, new FakeOperatorContext("step", PipelineOptionsFactory.create(), store))) {
      for (In in : inputs.subList(0, 120)) {
        first.processKeyedElement(StringUtf8Coder.of(), in.windowed(global));
      }
      first.prepareCommit();
      // The process dies here: whatever it held on the heap is gone, the store stays.
    }
    try (OperatorHarness second =
        OperatorHarness.open(
            spec, new FakeOperatorContext("step", PipelineOptionsFactory.create(), store))) {
      for (In in : inputs.subList(120, inputs.size())) {
        second.processKeyedElement(StringUtf8Coder.of(), in.windowed(global));
      }
      second.processWatermark(END);
      assertThat(
          stamped(second.context().outputs(OUT)),
          containsInAnyOrder(
              run(streaming(new CountLoopAndExpire(), global), global, inputs).toArray()));
    }
  }

  @Test
  public void anUndecodableRecordFailsAtTheEndNamingStepAndKeyAndStaysInTheLog() throws Exception {
    WindowingStrategy<?, ?> global = WindowingStrategy.globalDefault();
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    var spec = sorted(new StatefulDoFnOperatorTest.SumThenFlush(), global, 10);
    byte[] key = StreamRecords.encodeKey(StringUtf8Coder.of(), "bad-key");
    for (int attempt = 0; attempt < 2; attempt++) {
      try (OperatorHarness harness =
          OperatorHarness.open(
              spec, new FakeOperatorContext("SumStep", PipelineOptionsFactory.create(), store))) {
        if (attempt == 0) {
          assertTrue(harness.operator().decodesItsOwnRecords());
          harness.processKeyedElement(StringUtf8Coder.of(), new In("a", 1, 0).windowed(global));
          // A data record whose payload ends before the value.
          harness.operator().processKeyedRecord(key, new byte[] {0});
          harness.prepareCommit();
        }
        UndecodableRecordException e =
            assertThrows(UndecodableRecordException.class, () -> harness.processWatermark(END));
        assertThat(e.getMessage(), containsString("SumStep"));
        assertThat(e.getMessage(), containsString("bad-key"));
      }
      // The second attempt, on the same store (a restarted task), finds the record again.
    }
  }

  /**
   * Sets its timer, clears it and sets it again for every element (the same timer each time), and
   * sets it once more for its own time when it first fires: it must fire twice per key, as the
   * streaming path fires it. A runner that skipped setting a timer already set would lose it.
   */
  public static class SetClearSetRefire extends DoFn<KV<String, Integer>, String> {
    @StateId("fired")
    private final StateSpec<ValueState<Integer>> firedSpec = StateSpecs.value(VarIntCoder.of());

    @TimerId("t")
    private final TimerSpec tSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(@TimerId("t") Timer t) {
      Instant at = new Instant(100_000);
      t.set(at);
      t.clear();
      t.set(at);
    }

    @OnTimer("t")
    public void onT(
        @Key String key,
        @Timestamp Instant ts,
        @StateId("fired") ValueState<Integer> fired,
        @TimerId("t") Timer t,
        OutputReceiver<String> out) {
      int n = fired.read() == null ? 1 : fired.read() + 1;
      fired.write(n);
      out.output(key + " fired " + n);
      if (n == 1) {
        t.set(ts);
      }
    }
  }

  @Test
  public void aTimerClearedAndSetAgainOrSetAgainForItsOwnTimeFires() throws Exception {
    WindowingStrategy<?, ?> global = WindowingStrategy.globalDefault();
    List<In> inputs = randomInputs(50, 3, 11);
    List<String> streamingOut = run(streaming(new SetClearSetRefire(), global), global, inputs);
    List<String> sortedOut = run(sorted(new SetClearSetRefire(), global, 10_000), global, inputs);
    assertThat(sortedOut, containsInAnyOrder(streamingOut.toArray()));
    assertThat(
        sortedOut,
        containsInAnyOrder(
            "k0 fired 1@100000",
            "k0 fired 2@100000",
            "k1 fired 1@100000",
            "k1 fired 2@100000",
            "k2 fired 1@100000",
            "k2 fired 2@100000"));
  }
}
