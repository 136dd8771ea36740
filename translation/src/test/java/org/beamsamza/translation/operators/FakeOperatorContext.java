package org.beamsamza.translation.operators;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.joda.time.Instant;

/**
 * An {@link OperatorContext} for unit tests (as Flink's operator test harnesses): it records every
 * element emitted per output tag and every watermark emitted, gives an in-memory store as the
 * task's state store, counts processing-time callback requests and {@link #ensureBundleStarted}
 * calls, and has real {@link PipelineOptions}.
 */
public final class FakeOperatorContext implements OperatorContext {
  private final String stepName;
  private final PipelineOptions options;
  private final InMemoryKeyValueStore store;
  private final Map<TupleTag<?>, List<WindowedValue<?>>> outputs = new LinkedHashMap<>();
  private final List<Instant> emittedWatermarks = new ArrayList<>();
  private final List<Object> log = new ArrayList<>();
  private Instant outputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private int callbackRequests;
  private int ensureBundleStartedCalls;
  private int storeRequests;
  private Runnable onEnsureBundleStarted = () -> {};

  /** The task's clock: starts at the wall clock's now, moved by {@link #setProcessingTime}. */
  private Instant processingTime = Instant.now();

  public FakeOperatorContext(String stepName) {
    this(stepName, PipelineOptionsFactory.create());
  }

  public FakeOperatorContext(String stepName, PipelineOptions options) {
    this(stepName, options, new InMemoryKeyValueStore());
  }

  /** A context on an existing store: a re-opened operator, as after a restart. */
  public FakeOperatorContext(
      String stepName, PipelineOptions options, InMemoryKeyValueStore store) {
    this.stepName = stepName;
    this.options = options;
    this.store = store;
  }

  /** What {@link #ensureBundleStarted} does besides counting (the harness starts its bundle). */
  void onEnsureBundleStarted(Runnable action) {
    this.onEnsureBundleStarted = action;
  }

  // --- OperatorContext ---

  @Override
  public KeyValueStore stateStore() {
    storeRequests++;
    return store;
  }

  @Override
  public String stepName() {
    return stepName;
  }

  @Override
  public String taskName() {
    return "test-task-0";
  }

  @Override
  public ProcessingClock processingClock() {
    return () -> processingTime;
  }

  /** Callbacks registered through {@link #bundleFinalizer}, in order. */
  private final List<org.apache.beam.sdk.transforms.DoFn.BundleFinalizer.Callback> finalizations =
      new ArrayList<>();

  @Override
  public org.apache.beam.sdk.transforms.DoFn.BundleFinalizer bundleFinalizer() {
    return (expiry, callback) -> finalizations.add(callback);
  }

  public List<org.apache.beam.sdk.transforms.DoFn.BundleFinalizer.Callback> finalizations() {
    return finalizations;
  }

  /** Moves the task's clock (as a window tick does, which reads it first). */
  public void setProcessingTime(Instant now) {
    processingTime = now;
  }

  @Override
  public PipelineOptions pipelineOptions() {
    return options;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> void emit(TupleTag<T> tag, WindowedValue<T> element) {
    // A grouped Iterable is only valid during the emit call (the group is cleared right after):
    // keep a stable copy, as a consumer that holds elements must.
    outputs
        .computeIfAbsent(tag, t -> new ArrayList<>())
        .add(RetainedValues.stableCopy((WindowedValue<Object>) element));
    log.add(element.getValue());
  }

  @Override
  public void emitWatermark(Instant watermark) {
    emittedWatermarks.add(watermark);
    log.add(watermark);
    if (watermark.isAfter(outputWatermark)) {
      outputWatermark = watermark;
    }
  }

  @Override
  public void requestProcessingTimeCallback() {
    callbackRequests++;
  }

  @Override
  public void ensureBundleStarted() {
    ensureBundleStartedCalls++;
    onEnsureBundleStarted.run();
  }

  // --- what the test inspects ---

  /** Every element emitted to {@code tag} so far, in emission order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> List<WindowedValue<T>> outputs(TupleTag<T> tag) {
    return (List) List.copyOf(outputs.getOrDefault(tag, List.of()));
  }

  /** Returns and forgets the elements emitted to {@code tag} so far. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> List<WindowedValue<T>> takeOutputs(TupleTag<T> tag) {
    List<WindowedValue<?>> taken = outputs.remove(tag);
    return taken == null ? List.of() : (List) taken;
  }

  /** The tags anything was emitted to. */
  public java.util.Set<TupleTag<?>> outputTags() {
    return outputs.keySet();
  }

  /**
   * Everything emitted, interleaved in order: an element's value, or an {@link Instant} for a
   * watermark.
   */
  public List<Object> log() {
    return List.copyOf(log);
  }

  /** Every {@link #emitWatermark} call's argument, in order (including calls that went back). */
  public List<Instant> emittedWatermarks() {
    return List.copyOf(emittedWatermarks);
  }

  /** The output watermark as the task sees it: the maximum emitted (calls going back ignored). */
  public Instant outputWatermark() {
    return outputWatermark;
  }

  public int processingTimeCallbackRequests() {
    return callbackRequests;
  }

  public int ensureBundleStartedCalls() {
    return ensureBundleStartedCalls;
  }

  /** How often the operator asked for the state store (a stateless operator never does). */
  public int stateStoreRequests() {
    return storeRequests;
  }

  public InMemoryKeyValueStore store() {
    return store;
  }
}
