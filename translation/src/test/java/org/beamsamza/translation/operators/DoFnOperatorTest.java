package org.beamsamza.translation.operators;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Test;

/** The stateless ParDo operator: outputs, DoFn lifecycle order, and side-input pushback. */
public class DoFnOperatorTest {
  private static final TupleTag<String> MAIN = new TupleTag<>("main");
  private static final TupleTag<Integer> LENGTHS = new TupleTag<>("lengths");

  private OperatorHarness harness;

  @After
  public void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private static DoFnOperator.Spec spec(
      DoFn<?, ?> fn, List<TupleTag<?>> additional, List<PCollectionView<?>> sideInputs) {
    Map<String, PCollectionView<?>> mapping = new java.util.HashMap<>();
    sideInputs.forEach(v -> mapping.put(v.getTagInternal().getId(), v));
    return new DoFnOperator.Spec(
        fn,
        MAIN,
        additional,
        StringUtf8Coder.of(),
        Map.of(MAIN, StringUtf8Coder.of(), LENGTHS, VarIntCoder.of()),
        WindowingStrategy.globalDefault(),
        DoFnSchemaInformation.create(),
        mapping,
        sideInputs);
  }

  private static WindowedValue<String> at(String value, long ts) {
    return WindowedValues.timestampedValueInGlobalWindow(value, new Instant(ts));
  }

  /** Records its lifecycle; outputs to two tags and, at the end of each bundle, a count. */
  public static class Lifecycle extends DoFn<String, String> {
    final List<String> events = new ArrayList<>();
    private int inBundle;

    @Setup
    public void setup() {
      events.add("setup");
    }

    @StartBundle
    public void startBundle() {
      events.add("startBundle");
      inBundle = 0;
    }

    @ProcessElement
    public void process(@Element String e, MultiOutputReceiver out) {
      events.add("process " + e);
      inBundle++;
      out.get(MAIN).output(e.toUpperCase(java.util.Locale.ROOT));
      out.get(LENGTHS).output(e.length());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      events.add("finishBundle");
      c.output("bundle of " + inBundle, new Instant(0), GlobalWindow.INSTANCE);
    }

    @Teardown
    public void teardown() {
      events.add("teardown");
    }
  }

  @Test
  public void outputsGoToTheirTagsAndBundlesRunInOrder() throws Exception {
    Lifecycle fn = new Lifecycle();
    harness = OperatorHarness.open(spec(fn, List.of(LENGTHS), List.of()), fixture);
    harness.processElement(at("ab", 1));
    harness.processElement(at("cde", 2));
    harness.finishBundle();
    harness.processElement(at("f", 3));
    harness.processWatermark(new Instant(10));
    harness.close();
    harness = null;

    assertEquals(
        List.of(
            "setup",
            "startBundle",
            "process ab",
            "process cde",
            "finishBundle",
            "startBundle",
            "process f",
            "finishBundle",
            "teardown"),
        fn.events);
    FakeOperatorContext ctx = fixture;
    assertEquals(
        List.of("AB", "CDE", "bundle of 2", "F", "bundle of 1"), values(ctx.outputs(MAIN)));
    assertEquals(List.of(2, 3, 1), values(ctx.outputs(LENGTHS)));
    assertEquals(new Instant(1), ctx.outputs(MAIN).get(0).getTimestamp());
    // The last bundle's output is emitted before the watermark that follows it.
    List<Object> log = ctx.log();
    assertEquals(new Instant(10), log.get(log.size() - 1));
  }

  private FakeOperatorContext fixture;

  @org.junit.Before
  public void setUp() {
    fixture = new FakeOperatorContext("test-step");
  }

  private static <T> List<T> values(List<WindowedValue<T>> out) {
    return out.stream().map(WindowedValue::getValue).toList();
  }

  /** Appends the sum of the side input's values. */
  public static class AddSide extends DoFn<String, String> {
    private final PCollectionView<Iterable<Integer>> view;

    AddSide(PCollectionView<Iterable<Integer>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int sum = 0;
      for (int v : c.sideInput(view)) {
        sum += v;
      }
      c.output(c.element() + sum);
    }
  }

  @Test
  public void elementsWaitForTheirSideInputAndHoldTheWatermarkMeanwhile() throws Exception {
    org.apache.beam.sdk.options.PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class);
    Pipeline p = Pipeline.create(options);
    PCollectionView<Iterable<Integer>> view =
        p.apply(Create.of(1, 2).withCoder(VarIntCoder.of())).apply(View.asIterable());
    harness = OperatorHarness.open(spec(new AddSide(view), List.of(), List.of(view)), fixture);

    harness.processElement(at("x", 20));
    harness.processElement(at("w", 30));
    harness.processWatermark(new Instant(100));
    assertThat("pushed back: the side input is not ready", fixture.outputs(MAIN), empty());
    assertEquals(
        "held at the earliest pushed-back element", new Instant(20), fixture.outputWatermark());

    harness.processSideInput(view, WindowedValues.valueInGlobalWindow(5));
    harness.processSideInput(view, WindowedValues.valueInGlobalWindow(7));
    harness.processSideInputWatermark(view, new Instant(1_000));
    // Whether or not a callback was asked for, one now must not process the elements yet: the
    // global window is not ready before the view's watermark passes its end.
    harness.processProcessingTime(Instant.now());
    assertThat(fixture.outputs(MAIN), empty());
    assertEquals(new Instant(20), fixture.outputWatermark());
    int callbacksBefore = fixture.processingTimeCallbackRequests();

    harness.processSideInputWatermark(view, BoundedWindow.TIMESTAMP_MAX_VALUE);
    assertEquals(callbacksBefore + 1, fixture.processingTimeCallbackRequests());
    assertThat(fixture.outputs(MAIN), empty());
    assertEquals(new Instant(20), fixture.outputWatermark());
    int bundleRequestsBefore = fixture.ensureBundleStartedCalls();

    // The task calls back: the pushed-back elements are processed, in a bundle.
    harness.processProcessingTime(Instant.now());
    assertThat(values(fixture.takeOutputs(MAIN)), containsInAnyOrder("x12", "w12"));
    assertEquals(new Instant(100), fixture.outputWatermark());
    assertEquals(bundleRequestsBefore + 1, fixture.ensureBundleStartedCalls());

    harness.processElement(at("y", 200));
    assertEquals(List.of("y12"), values(fixture.takeOutputs(MAIN)));
    harness.processWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, fixture.outputWatermark());
  }

  /**
   * Pushed-back elements live in the task store: an operator opened again on that store (a
   * restarted task, whose input offsets were checkpointed past them) holds its watermark at them
   * and processes them once the side input is ready, though no element arrives again.
   */
  @Test
  public void pushedBackElementsSurviveAReopenOnTheSameStore() throws Exception {
    org.apache.beam.sdk.options.PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class);
    Pipeline p = Pipeline.create(options);
    PCollectionView<Iterable<Integer>> view =
        p.apply(Create.of(1, 2).withCoder(VarIntCoder.of())).apply(View.asIterable());
    org.beamsamza.state.kv.internals.InMemoryKeyValueStore store =
        new org.beamsamza.state.kv.internals.InMemoryKeyValueStore();
    FakeOperatorContext before = new FakeOperatorContext("test-step", options, store);
    harness = OperatorHarness.open(spec(new AddSide(view), List.of(), List.of(view)), before);
    harness.processElement(at("x", 20));
    harness.processElement(at("w", 30));
    harness.prepareCommit();
    assertThat(before.outputs(MAIN), empty());
    harness.close();

    FakeOperatorContext after = new FakeOperatorContext("test-step", options, store);
    harness = OperatorHarness.open(spec(new AddSide(view), List.of(), List.of(view)), after);
    harness.processWatermark(new Instant(100));
    assertEquals(
        "the restored elements hold the watermark", new Instant(20), after.outputWatermark());
    harness.processSideInput(view, WindowedValues.valueInGlobalWindow(5));
    harness.processSideInputWatermark(view, BoundedWindow.TIMESTAMP_MAX_VALUE);
    harness.processProcessingTime(Instant.now());
    assertThat(values(after.takeOutputs(MAIN)), containsInAnyOrder("x5", "w5"));
    assertEquals(new Instant(100), after.outputWatermark());
  }
}
