package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.BagState;
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
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Test;

/**
 * StatefulDoFnOperator driven through a fake context: per-key state, event-time timers in timestamp
 * order across keys, processing-time timers on the tick, timer output timestamps holding the output
 * watermark, every timer firing at the end of input, and window expiration clearing state.
 */
public class StatefulDoFnOperatorTest {
  private static final TupleTag<String> OUT = new TupleTag<>("out");
  private static final Instant END = BoundedWindow.TIMESTAMP_MAX_VALUE;

  private OperatorHarness harness;

  @After
  public void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private static StatefulDoFnOperator.Spec spec(DoFn<?, ?> fn, WindowingStrategy<?, ?> windowing) {
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

  private void process(String key, int value, long ts) throws Exception {
    harness.processKeyedElement(
        StringUtf8Coder.of(),
        WindowedValues.timestampedValueInGlobalWindow(KV.of(key, value), new Instant(ts)));
  }

  private List<String> values(List<WindowedValue<String>> out) {
    return out.stream().map(WindowedValue::getValue).toList();
  }

  /**
   * Sums values per key (value state), keeps them (bag state), and sets an event-time timer 10 s
   * after each element whose output timestamp is the element's (setting it again replaces it).
   */
  public static class SumThenFlush extends DoFn<KV<String, Integer>, String> {
    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("seen")
    private final StateSpec<BagState<Integer>> seenSpec = StateSpecs.bag(VarIntCoder.of());

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, Integer> e,
        @Timestamp Instant ts,
        @StateId("sum") ValueState<Integer> sum,
        @StateId("seen") BagState<Integer> seen,
        @TimerId("flush") Timer flush) {
      Integer s = sum.read();
      sum.write((s == null ? 0 : s) + e.getValue());
      seen.add(e.getValue());
      flush.withOutputTimestamp(ts).set(ts.plus(Duration.standardSeconds(10)));
    }

    @OnTimer("flush")
    public void onFlush(
        @Key String key,
        @StateId("sum") ValueState<Integer> sum,
        @StateId("seen") BagState<Integer> seen,
        OutputReceiver<String> out) {
      List<Integer> values = new ArrayList<>();
      seen.read().forEach(values::add);
      out.output(key + "=" + sum.read() + values.stream().sorted().toList());
      sum.clear();
      seen.clear();
    }
  }

  @Test
  public void eventTimersFireInTimestampOrderAcrossKeysAndHoldTheOutputWatermark()
      throws Exception {
    harness = OperatorHarness.open(spec(new SumThenFlush(), WindowingStrategy.globalDefault()));
    process("a", 1, 3_000); // flush at 13 s, output at 3 s ...
    process("b", 2, 1_000); // flush at 11 s, output at 1 s
    process("c", 3, 2_000); // flush at 12 s, output at 2 s
    process("a", 4, 4_000); // ... replaced: flush at 14 s, output at 4 s
    process("b", 5, 1_500); // b's flush replaced: 11.5 s, output at 1.5 s

    harness.processWatermark(new Instant(10_000));
    assertThat(harness.context().outputs(OUT), empty());
    // Pending timers will output at 1.5 s, 2 s and 4 s: the output watermark waits for them.
    assertEquals(new Instant(1_500), harness.context().outputWatermark());

    harness.processWatermark(new Instant(12_500));
    List<WindowedValue<String>> fired = harness.context().takeOutputs(OUT);
    assertEquals(List.of("b=7[2, 5]", "c=3[3]"), values(fired));
    assertEquals(new Instant(1_500), fired.get(0).getTimestamp());
    assertEquals(new Instant(2_000), fired.get(1).getTimestamp());
    assertEquals(new Instant(4_000), harness.context().outputWatermark());

    process("b", 10, 13_000); // b's state was cleared by its flush
    harness.processWatermark(new Instant(30_000));
    assertEquals(List.of("a=5[1, 4]", "b=10[10]"), values(harness.context().takeOutputs(OUT)));
    assertEquals(new Instant(30_000), harness.context().outputWatermark());
    GroupByKeyOperatorTest.assertNonDecreasing(harness.context().emittedWatermarks());
  }

  @Test
  public void remainingEventTimersFireAtTheEndOfInput() throws Exception {
    harness = OperatorHarness.open(spec(new SumThenFlush(), WindowingStrategy.globalDefault()));
    process("x", 1, 5_000);
    process("y", 2, 6_000);
    harness.processWatermark(END);
    assertEquals(List.of("x=1[1]", "y=2[2]"), values(harness.context().outputs(OUT)));
    assertEquals(END, harness.context().outputWatermark());
  }

  /** Sets a processing-time timer an hour after each element; it outputs the key's last value. */
  public static class RememberThenEmit extends DoFn<KV<String, Integer>, String> {
    @StateId("last")
    private final StateSpec<ValueState<Integer>> lastSpec = StateSpecs.value(VarIntCoder.of());

    @TimerId("later")
    private final TimerSpec laterSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, Integer> e,
        @StateId("last") ValueState<Integer> last,
        @TimerId("later") Timer later) {
      last.write(e.getValue());
      later.offset(Duration.standardHours(1)).setRelative();
    }

    @OnTimer("later")
    public void onLater(
        @Key String key, @StateId("last") ValueState<Integer> last, OutputReceiver<String> out) {
      out.output(key + "=" + last.read());
    }
  }

  @Test
  public void processingTimersFireOnATickPastThemInABundle() throws Exception {
    harness = OperatorHarness.open(spec(new RememberThenEmit(), WindowingStrategy.globalDefault()));
    Instant beforeElements = Instant.now();
    process("a", 1, 0);
    process("b", 2, 0);
    process("a", 3, 0);
    harness.finishBundle();
    int bundleRequestsBefore = harness.context().ensureBundleStartedCalls();

    harness.processProcessingTime(beforeElements.plus(Duration.standardMinutes(59)));
    assertThat(harness.context().outputs(OUT), empty());

    harness.processProcessingTime(Instant.now().plus(Duration.standardHours(2)));
    assertThat(values(harness.context().takeOutputs(OUT)), containsInAnyOrder("a=3", "b=2"));
    // Fired outside of an element call: the operator asked for a bundle first.
    assertThat(harness.context().ensureBundleStartedCalls(), greaterThan(bundleRequestsBefore));
    List<String> calls = harness.calls();
    assertEquals("startBundle", calls.get(calls.lastIndexOf("processProcessingTime") + 1));

    harness.processWatermark(END);
    assertThat("each timer fired once", harness.context().outputs(OUT), empty());
    assertEquals(END, harness.context().outputWatermark());
  }

  @Test
  public void pendingProcessingTimersFireAtTheEndOfInput() throws Exception {
    harness = OperatorHarness.open(spec(new RememberThenEmit(), WindowingStrategy.globalDefault()));
    process("a", 1, 0);
    process("b", 2, 0);
    harness.processWatermark(new Instant(1_000_000));
    assertThat(harness.context().outputs(OUT), empty());
    harness.processWatermark(END);
    assertThat(values(harness.context().outputs(OUT)), containsInAnyOrder("a=1", "b=2"));
    assertEquals(END, harness.context().outputWatermark());
  }

  /**
   * As in Beam's {@code ParDoTest.TimerTests#testOutputTimestampWithProcessingTime}: each element
   * (re)sets a processing-time timer 10 s later whose output timestamp is 5 ms after the element.
   */
  public static class ProcessingTimerWithOutputTimestamp extends DoFn<KV<String, Integer>, String> {
    @TimerId("later")
    private final TimerSpec laterSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @ProcessElement
    public void process(@Timestamp Instant ts, @TimerId("later") Timer later) {
      later
          .withOutputTimestamp(ts.plus(Duration.millis(5)))
          .offset(Duration.standardSeconds(10))
          .setRelative();
    }

    @OnTimer("later")
    public void onLater(@Key String key, @Timestamp Instant ts, OutputReceiver<String> out) {
      out.output(key + "@" + ts.getMillis());
    }
  }

  @Test
  public void processingTimerOutputTimestampHoldsTheOutputWatermarkUntilItFires() throws Exception {
    harness =
        OperatorHarness.open(
            spec(new ProcessingTimerWithOutputTimestamp(), WindowingStrategy.globalDefault()));
    Instant start = harness.context().processingClock().now();
    process("k", 1, 0); // fires at start + 10 s, holds at 5 ms
    harness.processWatermark(new Instant(100));
    assertEquals(new Instant(5), harness.context().outputWatermark());

    // Reset by a later element: the hold moves with it (output at 55 ms), and the timer's time.
    harness.processProcessingTime(start.plus(Duration.standardSeconds(9)));
    process("k", 2, 50); // now fires at start + 19 s
    harness.processWatermark(new Instant(110));
    assertEquals(new Instant(55), harness.context().outputWatermark());
    harness.processProcessingTime(start.plus(Duration.standardSeconds(11)));
    assertThat("the reset timer is not due yet", harness.context().outputs(OUT), empty());
    assertEquals(new Instant(55), harness.context().outputWatermark());

    // Firing releases the hold; the output carries the timer's output timestamp.
    harness.processProcessingTime(start.plus(Duration.standardSeconds(20)));
    List<WindowedValue<String>> fired = harness.context().takeOutputs(OUT);
    assertEquals(List.of("k@55"), values(fired));
    assertEquals(new Instant(55), fired.get(0).getTimestamp());
    assertEquals(new Instant(110), harness.context().outputWatermark());
    GroupByKeyOperatorTest.assertNonDecreasing(harness.context().emittedWatermarks());
  }

  /** Counts per key and window; outputs the count when the window expires. */
  public static class CountUntilExpiry extends DoFn<KV<String, Integer>, String> {
    @StateId("count")
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(@StateId("count") ValueState<Integer> count) {
      Integer c = count.read();
      count.write((c == null ? 0 : c) + 1);
    }

    @OnWindowExpiration
    public void expire(
        @Key String key,
        BoundedWindow window,
        @StateId("count") ValueState<Integer> count,
        OutputReceiver<String> out) {
      out.output(key + "=" + count.read() + "@" + ((IntervalWindow) window).start().getMillis());
    }
  }

  @Test
  public void windowExpirationCallsOnWindowExpirationAndClearsTheWindowsState() throws Exception {
    FixedWindows fixed = FixedWindows.of(Duration.standardSeconds(10));
    harness = OperatorHarness.open(spec(new CountUntilExpiry(), WindowingStrategy.of(fixed)));
    IntervalWindow w0 = new IntervalWindow(new Instant(0), new Instant(10_000));
    IntervalWindow w1 = new IntervalWindow(new Instant(10_000), new Instant(20_000));
    for (Object[] e :
        new Object[][] {
          {"a", 1_000L, w0}, {"a", 2_000L, w0}, {"b", 3_000L, w0}, {"a", 12_000L, w1}
        }) {
      harness.processKeyedElement(
          StringUtf8Coder.of(),
          WindowedValues.of(
              KV.of((String) e[0], 0),
              new Instant((long) e[1]),
              (IntervalWindow) e[2],
              PaneInfo.NO_FIRING));
    }
    byte[] w0Namespace = namespaceBytes(w0);
    assertTrue("w0's state is in the store", storeMentions(w0Namespace));

    harness.processWatermark(new Instant(15_000));
    assertThat(values(harness.context().takeOutputs(OUT)), containsInAnyOrder("a=2@0", "b=1@0"));
    assertFalse("w0's state and timers were cleared", storeMentions(w0Namespace));
    assertEquals(new Instant(15_000), harness.context().outputWatermark());

    harness.processWatermark(END);
    assertEquals(List.of("a=1@10000"), values(harness.context().outputs(OUT)));
    assertFalse(storeMentions(namespaceBytes(w1)));
    assertEquals(END, harness.context().outputWatermark());
  }

  private static byte[] namespaceBytes(IntervalWindow w) {
    return StateNamespaces.window(IntervalWindow.getCoder(), w)
        .stringKey()
        .getBytes(StandardCharsets.UTF_8);
  }

  private boolean storeMentions(byte[] needle) {
    try (KeyValueIterator it = harness.context().store().all()) {
      while (it.hasNext()) {
        Entry e = it.next();
        if (indexOf(e.key(), needle) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
