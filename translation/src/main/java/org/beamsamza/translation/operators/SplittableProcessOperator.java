package org.beamsamza.translation.operators;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.OutputAndTimeBoundedSplittableProcessElementInvoker;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessFn;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.KeyedTimer;
import org.beamsamza.state.beam.StepState;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The {@code @ProcessElement} half of a splittable DoFn, after the repartition stream that {@code
 * SplittableParDoViaKeyedWorkItems.GBKIntoKeyedWorkItems} stands for (each element and restriction
 * carries a unique random key). runners-core does the SDF semantics: its {@link ProcessFn} runs a
 * restriction with {@link OutputAndTimeBoundedSplittableProcessElementInvoker} (which checkpoints
 * after {@value #MAX_OUTPUTS_PER_CALL} outputs or {@link #MAX_CALL_DURATION}), keeps the residual
 * restriction, the element and the watermark-estimator state in keyed state, holds the output
 * watermark and sets a processing-time timer to resume.
 *
 * <p>This class gives it the task store ({@link StepState}: state, timers and holds survive a
 * restart, nothing lives on the heap), wraps an element as {@link KeyedWorkItems#elementsWorkItem}
 * and a fired resume timer as {@link KeyedWorkItems#timersWorkItem}, and drives timers with {@link
 * KeyedTimerDriver} in {@link KeyedTimerDriver.EndOfInput#PROCESSING_TIMERS_AT_THEIR_TIME} mode: at
 * the end of input resume timers still fire at their real time, the holds keep the output watermark
 * back, and {@link #hasPendingWork} keeps the task alive until no restriction is left.
 *
 * <p>Side inputs go through the same pushback as a stateful ParDo ({@link MainInputRunner}): a seed
 * work item is handed over in the window of its element so that readiness is checked against the
 * element's side-input windows; resumes read side inputs that were ready when the element was.
 */
public final class SplittableProcessOperator implements Operator {
  static final int MAX_OUTPUTS_PER_CALL = 10_000;
  static final Duration MAX_CALL_DURATION = Duration.standardSeconds(1);

  /**
   * Triggers the time-bounded checkpoints of every SDF in this JVM. It only asks a running
   * restriction tracker to split (the DoFn itself runs on the task's thread), so one daemon thread
   * is enough and it needs no shutdown.
   */
  private static final class Checkpointer {
    static final ScheduledExecutorService EXECUTOR =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sdf-checkpointer");
              t.setDaemon(true);
              return t;
            });
  }

  /** What the translator captured; serializable, shared by all tasks until {@link #create}. */
  public record Spec(
      ProcessFn<?, ?, ?, ?, ?> processFn,
      TupleTag<?> mainOutputTag,
      List<TupleTag<?>> additionalOutputTags,
      Coder<?> keyCoder,
      Coder<?> workItemCoder,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      List<PCollectionView<?>> sideInputs)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new SplittableProcessOperator(this);
    }
  }

  private final Spec spec;
  private OperatorContext context;
  private DoFnInvoker<?, ?> invoker;
  private StepState state;
  private CurrentKeyStepContext stepContext;
  private MainInputRunner runner;
  private SideInputBuffer sideInputs;
  private KeyedTimerDriver driver;
  private KeyedMainInput input;

  SplittableProcessOperator(Spec spec) {
    this.spec = spec;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void open(OperatorContext context) {
    this.context = context;
    ProcessFn processFn = spec.processFn();
    WindowingStrategy<?, ?> windowing = processFn.getInputWindowingStrategy();
    Coder<BoundedWindow> windowCoder = (Coder<BoundedWindow>) windowing.getWindowFn().windowCoder();
    state = new StepState(context.stateStore(), context.stepName(), windowCoder);
    state.timers().setProcessingClock(context.processingClock());
    driver =
        new KeyedTimerDriver(
            state,
            this::fire,
            context::emitWatermark,
            KeyedTimerDriver.EndOfInput.PROCESSING_TIMERS_AT_THEIR_TIME);
    stepContext = new CurrentKeyStepContext(state, context.bundleFinalizer());

    SideInputReader reader = NullSideInputReader.empty();
    if (!spec.sideInputs().isEmpty()) {
      sideInputs = new SideInputBuffer(spec.sideInputs());
      reader = sideInputs;
    }
    // The ProcessFn is called for the current key only, which the operator has set already.
    processFn.setStateInternalsFactory(key -> stepContext.stateInternals());
    processFn.setTimerInternalsFactory(key -> stepContext.timerInternals());
    processFn.setSideInputReader(reader);
    String step = context.stepName();
    processFn.setProcessElementInvoker(
        new OutputAndTimeBoundedSplittableProcessElementInvoker<>(
            processFn.getFn(),
            context.pipelineOptions(),
            new TupleTagEmitter(context),
            (TupleTag) spec.mainOutputTag(),
            reader,
            Checkpointer.EXECUTOR,
            MAX_OUTPUTS_PER_CALL,
            MAX_CALL_DURATION,
            context::bundleFinalizer));
    invoker = DoFnInvokers.invokerFor(processFn);
    invoker.invokeSetup(new DoFnOperator.SetupArguments<>(context));

    DoFnRunner<Object, Object> simple =
        DoFnRunners.simpleRunner(
            context.pipelineOptions(),
            processFn,
            reader,
            new TupleTagEmitter(context),
            (TupleTag<Object>) spec.mainOutputTag(),
            spec.additionalOutputTags(),
            stepContext,
            (Coder<Object>) spec.workItemCoder(),
            spec.outputCoders(),
            WindowingStrategy.globalDefault(),
            DoFnSchemaInformation.create(),
            Map.of());
    // Pushed back in the element's own window (see processKeyedElement).
    runner =
        new MainInputRunner(
            simple,
            spec.sideInputs(),
            sideInputs,
            sideInputs == null
                ? null
                : MainInputRunner.pushedBackStore(context, spec.workItemCoder(), windowCoder));
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

  /** A seed: one element and restriction under its unique key, never seen by the ProcessFn yet. */
  @Override
  @SuppressWarnings("unchecked")
  public void processKeyedElement(byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element) {
    Object key = element.getValue().getKey();
    WindowedValue<Object> elementAndRestriction =
        ((WindowedValue<Object>) (WindowedValue<?>) element)
            .withValue(element.getValue().getValue());
    KeyedWorkItem<Object, Object> workItem =
        KeyedWorkItems.elementsWorkItem(key, List.of(elementAndRestriction));
    // In the element's own window (the ProcessFn reads the window from the work item), so that the
    // pushback runner checks side-input readiness for the right window.
    process(new ByteKey(keyBytes), elementAndRestriction.withValue(workItem));
  }

  private void process(ByteKey key, WindowedValue<Object> workItem) {
    stepContext.setCurrentKey(key, ((KeyedWorkItem<?, ?>) workItem.getValue()).key());
    runner.process(key, workItem);
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

  /** A resume timer: the ProcessFn reads the element and residual restriction from state. */
  private void fire(KeyedTimer due) {
    TimerData timer = due.timer();
    if (timer.getDomain() != TimeDomain.PROCESSING_TIME) {
      // The ProcessFn sets only processing-time resume timers and cleans its own state.
      throw new IllegalStateException(
          context.stepName() + ": unexpected " + timer.getDomain() + " timer " + timer);
    }
    context.ensureBundleStarted();
    Object key = StreamRecords.decodeKey(spec.keyCoder(), due.key().bytes());
    stepContext.setCurrentKey(due.key(), key);
    runner
        .runner()
        .processElement(
            WindowedValues.valueInGlobalWindow(KeyedWorkItems.timersWorkItem(key, List.of(timer))));
  }

  /** Restrictions are left while a resume timer is pending (each one has exactly one). */
  @Override
  public boolean hasPendingWork() {
    return !state.timers().isEmpty();
  }

  @Override
  public void close() {
    if (invoker != null) {
      invoker.invokeTeardown();
    }
  }
}
