package org.beamsamza.translation.operators;

import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * Runs a stateless ParDo through runners-core's {@link DoFnRunners#simpleRunner}; with side inputs,
 * through {@link SimplePushbackSideInputDoFnRunner}, which pushes back main-input elements whose
 * side-input windows are not ready yet. Pushed-back elements hold the output watermark.
 */
public final class DoFnOperator implements Operator {
  /** What the translator captured; serializable, shared by all tasks until {@link #create}. */
  public record Spec(
      DoFn<?, ?> doFn,
      TupleTag<?> mainOutputTag,
      List<TupleTag<?>> additionalOutputTags,
      Coder<?> inputCoder,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      WindowingStrategy<?, ?> windowingStrategy,
      DoFnSchemaInformation schemaInformation,
      Map<String, PCollectionView<?>> sideInputMapping,
      List<PCollectionView<?>> sideInputs)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new DoFnOperator(this);
    }
  }

  private final Spec spec;
  private OperatorContext context;
  private DoFn<Object, Object> doFn;
  private DoFnInvoker<Object, Object> invoker;
  private MainInputRunner runner;
  private SideInputBuffer sideInputs;
  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  DoFnOperator(Spec spec) {
    this.spec = spec;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void open(OperatorContext context) {
    this.context = context;
    // The spec comes from this task's own deserialized copy of the plan, so the DoFn instance
    // is this task's alone (DoFns are not thread safe and keep state between bundles).
    this.doFn = (DoFn<Object, Object>) spec.doFn();
    this.invoker = DoFnInvokers.invokerFor(doFn);
    invoker.invokeSetup(new SetupArguments<>(context));

    SideInputReader reader = NullSideInputReader.empty();
    if (!spec.sideInputs().isEmpty()) {
      sideInputs = new SideInputBuffer(spec.sideInputs());
      reader = sideInputs;
    }
    DoFnRunner<Object, Object> simple =
        DoFnRunners.simpleRunner(
            context.pipelineOptions(),
            doFn,
            reader,
            new TupleTagEmitter(context),
            (TupleTag<Object>) spec.mainOutputTag(),
            spec.additionalOutputTags(),
            new StatelessStepContext(context.bundleFinalizer()),
            (Coder<Object>) spec.inputCoder(),
            spec.outputCoders(),
            spec.windowingStrategy(),
            spec.schemaInformation(),
            spec.sideInputMapping());
    runner =
        new MainInputRunner(
            simple,
            spec.sideInputs(),
            sideInputs,
            sideInputs == null
                ? null
                : MainInputRunner.pushedBackStore(
                    context,
                    spec.inputCoder(),
                    spec.windowingStrategy().getWindowFn().windowCoder()));
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
    runner.process(null, (WindowedValue<Object>) element);
  }

  @Override
  public void processWatermark(Instant watermark) {
    inputWatermark = watermark;
    emitOutputWatermark();
  }

  @Override
  public void processSideInput(PCollectionView<?> view, WindowedValue<?> element) {
    sideInputs.add(view, element);
  }

  @Override
  public void processSideInputWatermark(PCollectionView<?> view, Instant watermark) {
    if (sideInputs.advanceWatermark(view, watermark) && runner.hasPushedBack()) {
      // Some side-input windows became ready: retry the pushed-back elements (in a bundle; the
      // task starts one before calling processProcessingTime).
      context.requestProcessingTimeCallback();
    }
    emitOutputWatermark();
  }

  @Override
  public void processProcessingTime(Instant now) {
    if (runner.retryPushedBack(context, runner::process)) {
      emitOutputWatermark();
    }
  }

  private void emitOutputWatermark() {
    Instant hold = runner.pushedBackHold();
    Instant out = hold.isBefore(inputWatermark) ? hold : inputWatermark;
    context.emitWatermark(out);
  }

  @Override
  public void close() {
    if (invoker != null) {
      invoker.invokeTeardown();
    }
  }

  /**
   * A ParDo without state or timers: asking for them is a translation bug. Its bundle finalizer is
   * the task's.
   */
  record StatelessStepContext(DoFn.BundleFinalizer bundleFinalizer) implements StepContext {

    @Override
    public StateInternals stateInternals() {
      throw new UnsupportedOperationException("stateless ParDo has no state");
    }

    @Override
    public TimerInternals timerInternals() {
      throw new UnsupportedOperationException("stateless ParDo has no timers");
    }
  }

  static final class SetupArguments<InputT, OutputT>
      extends DoFnInvoker.BaseArgumentProvider<InputT, OutputT> {
    private final OperatorContext context;

    SetupArguments(OperatorContext context) {
      this.context = context;
    }

    @Override
    public org.apache.beam.sdk.options.PipelineOptions pipelineOptions() {
      return context.pipelineOptions();
    }

    @Override
    public String getErrorContext() {
      return context.stepName() + "/Setup";
    }
  }
}
