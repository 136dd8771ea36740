package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.metrics.MetricsRegistry;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.translation.metrics.SystemMetrics;
import org.beamsamza.translation.operators.Operator;
import org.beamsamza.translation.operators.OperatorContext;
import org.joda.time.Instant;

/**
 * One operator inside a task, with what the operator itself should not have to care about: lazily
 * started bundles, its input watermark as the minimum of its inputs, output watermarks held back
 * until the open bundle is finished (so that nothing a bundle emits at its end can be behind a
 * watermark already sent), and the step's metrics container around every call into user code.
 */
final class OperatorNode implements OperatorContext {
  private final String stepName;
  private final Operator operator;
  private final TaskServices task;
  private final MetricsContainer metrics;
  private final Map<TupleTag<?>, PCollectionChannel> outputs = new HashMap<>();
  private PCollectionChannel singleOutput;
  private final List<WatermarkSource> mainInputs = new ArrayList<>();

  /** Elements emitted since the last flush into the step's {@link SystemMetrics} counter. */
  private long elementsOut;

  /**
   * Totals for the task's metrics registry, read by reporters on their own threads: plain fields (a
   * reader may see a slightly old count, never a torn one on a 64-bit JVM), so counting costs no
   * fence per element.
   */
  private long elementsInTotal;

  private long elementsOutTotal;

  /** Bundles finished: with the element count, the steps' mean bundle size. */
  private long bundlesTotal;

  private final Counter elementsOutCounter;

  private boolean inBundle;
  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private Instant deferredWatermark;
  private Instant outputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  OperatorNode(String stepName, Operator operator, TaskServices task, MetricsContainer metrics) {
    this.stepName = stepName;
    this.operator = operator;
    this.task = task;
    this.metrics = metrics;
    this.elementsOutCounter = metrics.getCounter(SystemMetrics.ELEMENTS_OUT);
  }

  void addOutput(TupleTag<?> tag, PCollectionChannel channel) {
    outputs.put(tag, channel);
    singleOutput = outputs.size() == 1 ? channel : null;
  }

  void addMainInput(WatermarkSource input) {
    mainInputs.add(input);
  }

  /** The consumer that feeds this node from a local PCollection. */
  ElementConsumer mainInputConsumer() {
    return new ElementConsumer() {
      @Override
      public void accept(WindowedValue<?> element) throws Exception {
        deliver(element);
      }

      @Override
      public void onWatermark(Instant watermark) throws Exception {
        onInputWatermarkChanged();
      }
    };
  }

  void open() throws Exception {
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      operator.open(this);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }

  void deliver(WindowedValue<?> element) throws Exception {
    elementsInTotal++;
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      startBundleIfNeeded();
      operator.processElement(element);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }

  /** A keyed element decoded from a repartition stream. */
  void deliverKeyed(byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element) throws Exception {
    elementsInTotal++;
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      startBundleIfNeeded();
      operator.processKeyedElement(keyBytes, element);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }

  /** Whether the operator takes its keyed records undecoded ({@link #deliverKeyedRecord}). */
  boolean decodesItsOwnRecords() {
    return operator.decodesItsOwnRecords();
  }

  /** A repartition stream's record, undecoded, for an operator that decodes its own. */
  void deliverKeyedRecord(byte[] keyBytes, byte[] record) throws Exception {
    elementsInTotal++;
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      startBundleIfNeeded();
      operator.processKeyedRecord(keyBytes, record);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }

  void deliverSideInput(PCollectionView<?> view, WindowedValue<?> element) throws Exception {
    operator.processSideInput(view, element);
  }

  void onSideInputWatermark(PCollectionView<?> view, Instant watermark) throws Exception {
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      operator.processSideInputWatermark(view, watermark);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }

  /** Recomputes the input watermark; if it advanced, finishes the bundle and tells the operator. */
  void onInputWatermarkChanged() throws Exception {
    Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (WatermarkSource input : mainInputs) {
      Instant w = input.watermark();
      if (w.isBefore(min)) {
        min = w;
      }
    }
    if (!min.isAfter(inputWatermark)) {
      return;
    }
    inputWatermark = min;
    finishBundle();
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      operator.processWatermark(min);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }

  void onProcessingTime(Instant now) throws Exception {
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      operator.processProcessingTime(now);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
  }

  private void startBundleIfNeeded() throws Exception {
    if (!inBundle) {
      inBundle = true;
      operator.startBundle();
    }
  }

  /** Finishes the open bundle, if any, then releases a watermark held back during it. */
  void finishBundle() throws Exception {
    if (inBundle) {
      MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
      try {
        inBundle = false;
        bundlesTotal++;
        operator.finishBundle();
      } finally {
        MetricsEnvironment.setCurrentContainer(previous);
      }
    }
    if (elementsOut > 0) { // after the operator's own finishBundle, which may emit
      elementsOutCounter.inc(elementsOut);
      elementsOutTotal += elementsOut;
      elementsOut = 0;
    }
    if (deferredWatermark != null) {
      Instant w = deferredWatermark;
      deferredWatermark = null;
      forwardWatermark(w);
    }
  }

  void prepareCommit() throws Exception {
    MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
    try {
      operator.prepareCommit();
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
    finishBundle();
  }

  void close() throws Exception {
    operator.close();
  }

  boolean hasPendingWork() {
    return operator.hasPendingWork();
  }

  /** Registers this step's counts and watermarks in the task's registry (group {@code step}). */
  void registerMetrics(MetricsRegistry registry) {
    registry.newGauge(STEP_GROUP, stepName + ":elements-in", () -> elementsInTotal);
    registry.newGauge(STEP_GROUP, stepName + ":elements-out", () -> elementsOutTotal);
    registry.newGauge(STEP_GROUP, stepName + ":bundles", () -> bundlesTotal);
    registry.newGauge(STEP_GROUP, stepName + ":input-watermark", () -> inputWatermark.getMillis());
    registry.newGauge(
        STEP_GROUP, stepName + ":output-watermark", () -> outputWatermark.getMillis());
  }

  static final String STEP_GROUP = "step";

  Instant inputWatermark() {
    return inputWatermark;
  }

  Instant outputWatermark() {
    return outputWatermark;
  }

  // --- OperatorContext ---

  @Override
  public KeyValueStore stateStore() {
    return task.stateStore();
  }

  @Override
  public String stepName() {
    return stepName;
  }

  @Override
  public String taskName() {
    return task.taskName();
  }

  @Override
  public PipelineOptions pipelineOptions() {
    return task.pipelineOptions();
  }

  @Override
  public ProcessingClock processingClock() {
    return task.processingClock();
  }

  @Override
  public <T> void emit(TupleTag<T> tag, WindowedValue<T> element) {
    elementsOut++;
    PCollectionChannel channel = singleOutput != null ? singleOutput : outputs.get(tag);
    if (channel == null) {
      if (outputs.containsKey(tag) || outputs.isEmpty()) {
        return; // an output nobody reads
      }
      throw new IllegalStateException(stepName + " emitted to undeclared output " + tag);
    }
    try {
      channel.emit(element);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Override
  public void emitWatermark(Instant watermark) {
    if (inBundle) {
      if (deferredWatermark == null || watermark.isAfter(deferredWatermark)) {
        deferredWatermark = watermark;
      }
      return;
    }
    forwardWatermark(watermark);
  }

  private void forwardWatermark(Instant watermark) {
    if (watermark.isAfter(outputWatermark)) {
      outputWatermark = watermark;
    }
    try {
      for (PCollectionChannel channel : outputs.values()) {
        channel.advanceWatermark(watermark);
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Override
  public DoFn.BundleFinalizer bundleFinalizer() {
    return task.bundleFinalizer(stepName);
  }

  @Override
  public void requestProcessingTimeCallback() {
    task.requestCallback(this);
  }

  @Override
  public void ensureBundleStarted() {
    try {
      startBundleIfNeeded();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
