package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.core.KeyedWorkItemCoder;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessFn;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Test;

/**
 * SplittableProcessOperator driven through a fake context: runners-core's ProcessFn checkpoints a
 * large range and the resume timers finish it; a resume delay is honoured by the processing clock,
 * also after the end of input (the output watermark stays held and the operator says it still has
 * work); and restrictions live in the store, so a re-opened operator continues where it stopped.
 */
public class SplittableProcessOperatorTest {
  private static final TupleTag<Integer> OUT = new TupleTag<>("out");
  private static final Instant END = BoundedWindow.TIMESTAMP_MAX_VALUE;
  private static final Instant ELEMENT_TIME = new Instant(1_000);
  private static final byte[] KEY = {1, 2, 3};

  private final List<OperatorHarness> harnesses = new ArrayList<>();

  @After
  public void tearDown() throws Exception {
    for (OperatorHarness h : harnesses) {
      h.close();
    }
  }

  /** Outputs every offset of its restriction, in one call unless the runner checkpoints it. */
  static class EmitRange extends DoFn<String, Integer> {
    @ProcessElement
    public void process(
        RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<Integer> out) {
      for (long i = tracker.currentRestriction().getFrom(); tracker.tryClaim(i); i++) {
        out.output((int) i);
      }
    }

    @GetInitialRestriction
    public OffsetRange initial(@Element String element) {
      return new OffsetRange(0, Integer.parseInt(element));
    }

    @NewTracker
    public OffsetRangeTracker tracker(@Restriction OffsetRange range) {
      return new OffsetRangeTracker(range);
    }
  }

  /** Outputs one offset per call, then asks to be resumed ten seconds later. */
  static class OnePerResume extends DoFn<String, Integer> {
    @ProcessElement
    public ProcessContinuation process(
        RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<Integer> out) {
      long i = tracker.currentRestriction().getFrom();
      if (!tracker.tryClaim(i)) {
        return ProcessContinuation.stop();
      }
      out.output((int) i);
      return ProcessContinuation.resume().withResumeDelay(Duration.standardSeconds(10));
    }

    @GetInitialRestriction
    public OffsetRange initial(@Element String element) {
      return new OffsetRange(0, Integer.parseInt(element));
    }

    @NewTracker
    public OffsetRangeTracker tracker(@Restriction OffsetRange range) {
      return new OffsetRangeTracker(range);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SplittableProcessOperator.Spec spec(DoFn<String, Integer> fn) {
    KvCoder<String, OffsetRange> elementCoder =
        KvCoder.of(StringUtf8Coder.of(), OffsetRange.Coder.of());
    ProcessFn<String, Integer, OffsetRange, Long, Void> processFn =
        new ProcessFn<>(
            fn,
            StringUtf8Coder.of(),
            OffsetRange.Coder.of(),
            VoidCoder.of(),
            (WindowingStrategy) WindowingStrategy.globalDefault(),
            Map.of());
    return new SplittableProcessOperator.Spec(
        processFn,
        OUT,
        List.of(),
        ByteArrayCoder.of(),
        KeyedWorkItemCoder.of(ByteArrayCoder.of(), elementCoder, GlobalWindow.Coder.INSTANCE),
        Map.of(OUT, VarIntCoder.of()),
        List.of());
  }

  private OperatorHarness open(DoFn<String, Integer> fn, InMemoryKeyValueStore store)
      throws Exception {
    FakeOperatorContext context =
        new FakeOperatorContext("sdf-step", PipelineOptionsFactory.create(), store);
    context.setProcessingTime(new Instant(0));
    OperatorHarness h = OperatorHarness.open(spec(fn), context);
    harnesses.add(h);
    return h;
  }

  private static void seed(OperatorHarness h, int size) throws Exception {
    WindowedValue<KV<byte[], KV<String, OffsetRange>>> element =
        WindowedValues.timestampedValueInGlobalWindow(
            KV.of(KEY, KV.of(Integer.toString(size), new OffsetRange(0, size))), ELEMENT_TIME);
    h.processKeyedElement(ByteArrayCoder.of(), element);
    h.finishBundle();
  }

  /**
   * The ProcessFn's hold keeps the output watermark at or before the element (at the minimum when
   * the DoFn has no watermark estimator), never at the end of input.
   */
  private static void assertHeld(OperatorHarness h) {
    assertFalse(
        "output watermark " + h.context().outputWatermark() + " passed the pending element",
        h.context().outputWatermark().isAfter(ELEMENT_TIME));
  }

  private static List<Integer> outputs(OperatorHarness h) {
    return h.context().outputs(OUT).stream()
        .map(WindowedValue::getValue)
        .collect(Collectors.toList());
  }

  @Test
  public void largeRangeIsCheckpointedAndFinishedByResumeTimers() throws Exception {
    OperatorHarness h = open(new EmitRange(), new InMemoryKeyValueStore());
    int size = 2 * SplittableProcessOperator.MAX_OUTPUTS_PER_CALL + 500;
    seed(h, size);
    h.processWatermark(END);

    // The first call stopped after the output bound: the rest is a residual restriction in state.
    assertEquals(SplittableProcessOperator.MAX_OUTPUTS_PER_CALL, outputs(h).size());
    assertTrue(h.operator().hasPendingWork());
    assertHeld(h);

    long now = 0;
    while (h.operator().hasPendingWork()) {
      h.processProcessingTime(new Instant(++now)); // a resume without delay is due after "now"
    }
    assertEquals(IntStream.range(0, size).boxed().toList(), outputs(h));
    assertEquals(END, h.context().outputWatermark());
    assertFalse(h.operator().hasPendingWork());
  }

  @Test
  public void resumeDelayIsHonouredByTheProcessingClockAfterTheEndOfInput() throws Exception {
    OperatorHarness h = open(new OnePerResume(), new InMemoryKeyValueStore());
    seed(h, 3);
    h.processWatermark(END);
    assertThat(outputs(h), contains(0));
    // End of input does not fire the resume timer early, and the hold keeps the watermark back.
    assertTrue(h.operator().hasPendingWork());
    assertHeld(h);

    h.processProcessingTime(new Instant(9_999));
    assertThat(outputs(h), contains(0));

    h.processProcessingTime(new Instant(10_001));
    assertThat(outputs(h), contains(0, 1));
    h.processProcessingTime(new Instant(20_002));
    assertThat(outputs(h), contains(0, 1, 2));

    h.processProcessingTime(new Instant(30_003)); // the range may end with one more (empty) call
    assertThat(outputs(h), contains(0, 1, 2));
    assertFalse(h.operator().hasPendingWork());
    assertEquals(END, h.context().outputWatermark());
  }

  @Test
  public void restrictionSurvivesReopeningOnTheSameStore() throws Exception {
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    OperatorHarness first = open(new OnePerResume(), store);
    seed(first, 3);
    assertThat(outputs(first), contains(0));
    first.close();

    OperatorHarness second = open(new OnePerResume(), store);
    assertTrue("the resume timer was restored from the store", second.operator().hasPendingWork());
    second.processWatermark(END);
    second.processProcessingTime(new Instant(10_001));
    assertThat("continues with the residual, not from 0", outputs(second), contains(1));
    second.processProcessingTime(new Instant(20_002));
    second.processProcessingTime(new Instant(30_003));
    assertThat(outputs(second), contains(1, 2));
    assertFalse(second.operator().hasPendingWork());
    assertEquals(END, second.context().outputWatermark());
  }
}
