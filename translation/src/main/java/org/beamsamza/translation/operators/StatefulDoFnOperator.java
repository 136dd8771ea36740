package org.beamsamza.translation.operators;

import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.KeyValueTimers;
import org.beamsamza.state.beam.KeyedTimer;
import org.beamsamza.state.beam.StepState;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;

/**
 * A ParDo with state or timers (or {@code @RequiresTimeSortedInput}), after the repartition stream
 * that brings every element of a key to one task. runners-core does the Beam semantics: {@link
 * DoFnRunners#simpleRunner} runs the DoFn, {@link StatefulDoFnRunner} drops late data, sets a
 * garbage-collection timer per window (which calls {@code @OnWindowExpiration} and clears the
 * window's state) and sorts input by timestamp when the DoFn requires it; with side inputs a {@link
 * SimplePushbackSideInputDoFnRunner} holds back elements until their side inputs are ready.
 *
 * <p>This class keeps state, timers and holds in the task's store ({@link StepState}), fires
 * event-time timers in timestamp order as the input watermark passes them and processing-time
 * timers on the task's window tick, and holds the output watermark at the earliest of the input
 * watermark, pending timers' output timestamps, watermark holds and pushed-back elements. When the
 * input has ended (watermark at the end of time) every remaining timer fires, processing-time ones
 * included, as a bounded pipeline's runner must before it can finish.
 */
public final class StatefulDoFnOperator implements Operator {
  /** What the translator captured; serializable, shared by all tasks until {@link #create}. */
  public record Spec(
      DoFn<?, ?> doFn,
      TupleTag<?> mainOutputTag,
      List<TupleTag<?>> additionalOutputTags,
      Coder<?> keyCoder,
      Coder<?> inputCoder,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      WindowingStrategy<?, ?> windowingStrategy,
      DoFnSchemaInformation schemaInformation,
      Map<String, PCollectionView<?>> sideInputMapping,
      List<PCollectionView<?>> sideInputs)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new StatefulDoFnOperator(this);
    }
  }

  private final Spec spec;
  private OperatorContext context;
  private DoFnInvoker<Object, Object> invoker;
  private StepState state;
  private CurrentKeyStepContext stepContext;
  private MainInputRunner runner;
  private SideInputBuffer sideInputs;
  private KeyedMainInput input;

  /** Fires due timers as the watermark and the clock move; emits the output watermark. */
  private KeyedTimerDriver driver;

  StatefulDoFnOperator(Spec spec) {
    this.spec = spec;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void open(OperatorContext context) {
    this.context = context;
    DoFn<Object, Object> doFn = (DoFn<Object, Object>) spec.doFn();
    invoker = DoFnInvokers.invokerFor(doFn);
    invoker.invokeSetup(new DoFnOperator.SetupArguments<>(context));

    Coder<BoundedWindow> windowCoder =
        (Coder<BoundedWindow>) spec.windowingStrategy().getWindowFn().windowCoder();
    // A user timer holds the output watermark at its output timestamp until it fires or is
    // deleted, processing-time timers included (Beam's model; the DirectRunner's stateful ParDo
    // adds a watermark hold for every timer set): downstream event-time timers must not fire
    // while such a timer may still output at that timestamp.
    state =
        new StepState(
            context.stateStore(),
            context.stepName(),
            windowCoder,
            null,
            KeyValueTimers.OutputHolds.ALL_TIMERS);
    state.timers().setProcessingClock(context.processingClock());
    driver = new KeyedTimerDriver(state, this::fire, context::emitWatermark);
    stepContext = new CurrentKeyStepContext(state, context.bundleFinalizer());

    SideInputReader reader = NullSideInputReader.empty();
    if (!spec.sideInputs().isEmpty()) {
      sideInputs = new SideInputBuffer(spec.sideInputs());
      reader = sideInputs;
    }
    DoFnRunner<Object, Object> stateful = statefulRunner(spec, context, stepContext, reader);
    runner =
        new MainInputRunner(
            stateful,
            spec.sideInputs(),
            sideInputs,
            sideInputs == null
                ? null
                : MainInputRunner.pushedBackStore(context, spec.inputCoder(), windowCoder));
    input = new KeyedMainInput(context, runner, sideInputs, driver, this::process);
  }

  @Override
  public void startBundle() {
    runner.startBundle();
  }

  @Override
  public void finishBundle() {
    runner.finishBundle();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(WindowedValue<?> element) {
    KV<Object, Object> kv = (KV<Object, Object>) element.getValue();
    processKeyedElement(
        StreamRecords.encodeKey((Coder<Object>) spec.keyCoder(), kv.getKey()),
        (WindowedValue) element);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processKeyedElement(byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element) {
    process(new ByteKey(keyBytes), (WindowedValue<Object>) (WindowedValue<?>) element);
  }

  private void process(ByteKey key, WindowedValue<Object> element) {
    stepContext.setCurrentKey(key, ((KV<?, ?>) element.getValue()).getKey());
    runner.process(key, element);
  }

  @Override
  public void processWatermark(Instant watermark) {
    input.processWatermark(watermark);
  }

  @Override
  public void processSideInput(PCollectionView<?> view, WindowedValue<?> element) {
    input.processSideInput(view, element);
  }

  @Override
  public void processSideInputWatermark(PCollectionView<?> view, Instant watermark) {
    input.processSideInputWatermark(view, watermark);
  }

  @Override
  public void processProcessingTime(Instant now) {
    input.processProcessingTime(now);
  }

  private void fire(KeyedTimer due) {
    context.ensureBundleStarted();
    TimerData timer = due.timer();
    Object key = StreamRecords.decodeKey(spec.keyCoder(), due.key().bytes());
    stepContext.setCurrentKey(due.key(), key);
    fireTimer(runner.runner(), key, timer);
  }

  /**
   * The DoFn in runners-core's stateful runner (late data dropped, a garbage-collection timer per
   * window, input sorted by timestamp if the DoFn requires it) over its simple runner, with state
   * and timers from {@code stepContext}: built one way for the streaming and the sorted operator.
   */
  @SuppressWarnings("unchecked")
  static DoFnRunner<Object, Object> statefulRunner(
      Spec spec, OperatorContext context, StepContext stepContext, SideInputReader reader) {
    DoFn<Object, Object> doFn = (DoFn<Object, Object>) spec.doFn();
    Coder<BoundedWindow> windowCoder =
        (Coder<BoundedWindow>) spec.windowingStrategy().getWindowFn().windowCoder();
    DoFnRunner<Object, Object> simple =
        DoFnRunners.simpleRunner(
            context.pipelineOptions(),
            doFn,
            reader,
            new TupleTagEmitter(context),
            (TupleTag<Object>) spec.mainOutputTag(),
            spec.additionalOutputTags(),
            stepContext,
            (Coder<Object>) spec.inputCoder(),
            spec.outputCoders(),
            spec.windowingStrategy(),
            spec.schemaInformation(),
            spec.sideInputMapping());
    return DoFnRunners.defaultStatefulDoFnRunner(
        doFn,
        (Coder<Object>) spec.inputCoder(),
        simple,
        stepContext,
        spec.windowingStrategy(),
        new StatefulDoFnRunner.TimeInternalsCleanupTimer<>(
            stepContext.timerInternals(), spec.windowingStrategy()),
        new StatefulDoFnRunner.StateInternalsStateCleaner<>(
            doFn, stepContext.stateInternals(), windowCoder),
        true);
  }

  /** Runs {@code timer} of {@code key} (the step context addresses the key already). */
  static void fireTimer(DoFnRunner<Object, Object> runner, Object key, TimerData timer) {
    StateNamespace namespace = timer.getNamespace();
    BoundedWindow window =
        namespace instanceof StateNamespaces.WindowNamespace<?> w
            ? w.getWindow()
            : org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE;
    runner.onTimer(
        timer.getTimerId(),
        timer.getTimerFamilyId(),
        key,
        window,
        timer.getTimestamp(),
        timer.getOutputTimestamp(),
        timer.getDomain());
  }

  @Override
  public void prepareCommit() {
    runner.prepareCommit();
  }

  @Override
  public void close() {
    if (invoker != null) {
      invoker.invokeTeardown();
    }
  }
}
