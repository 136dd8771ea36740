package org.beamsamza.translation.operators;

import java.util.Collections;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.GroupAlsoByWindowViaWindowSetNewDoFn;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.state.beam.BagPaging;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.KeyValueTimers;
import org.beamsamza.state.beam.KeyedTimer;
import org.beamsamza.state.beam.StepState;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;

/**
 * GroupByKey (and the merge half of a lifted Combine) after the repartition stream: runners-core's
 * {@link GroupAlsoByWindowViaWindowSetNewDoFn} (ReduceFnRunner) does windowing, merging, triggers,
 * lateness, accumulation modes and timestamp combiners; this class only feeds it one key at a time
 * and fires its timers as the watermark and the clock advance. The output watermark is the input
 * watermark held back by the earliest watermark hold of any key. State, timers and holds live in
 * the task's store ({@link StepState}), so they survive restarts and need not fit on the heap.
 */
public final class GroupByKeyOperator<K, InputT, OutputT> implements Operator {
  /** Creates the reduce function (buffering or combining) for one task. */
  public interface ReduceFnFactory<K, InputT, OutputT> extends java.io.Serializable {
    SystemReduceFn<K, InputT, ?, OutputT, BoundedWindow> create();
  }

  public record Spec<K, InputT, OutputT>(
      Coder<K> keyCoder,
      WindowingStrategy<?, BoundedWindow> windowingStrategy,
      ReduceFnFactory<K, InputT, OutputT> reduceFn,
      TupleTag<KV<K, OutputT>> outputTag)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new GroupByKeyOperator<>(this);
    }
  }

  private final Spec<K, InputT, OutputT> spec;
  private OperatorContext context;

  /** Per-key state, timers and holds of this step, in the task's store. */
  private StepState state;

  private KeyValueTimers timers;
  private DoFnRunner<KeyedWorkItem<K, InputT>, KV<K, OutputT>> runner;

  /** The key being processed: the state and timer factories below answer for it. */
  private ByteKey currentKey;

  /** Fires due timers as the watermark and the clock move; emits the output watermark. */
  private KeyedTimerDriver driver;

  GroupByKeyOperator(Spec<K, InputT, OutputT> spec) {
    this.spec = spec;
  }

  @Override
  public void open(OperatorContext context) {
    this.context = context;
    // The buffer is read page by page: a key's group need not fit on the heap. The
    // ReduceFnRunner clears it right after the pane is output, so whatever keeps a grouped
    // Iterable past that call copies it first (RetainedValues).
    state =
        new StepState(
            context.stateStore(),
            context.stepName(),
            spec.windowingStrategy().getWindowFn().windowCoder(),
            BagPaging.fromSystemProperties());
    timers = state.timers();
    state.timers().setProcessingClock(context.processingClock());
    driver =
        new KeyedTimerDriver(
            state, this::fire, context::emitWatermark, KeyedTimerDriver.EndOfInput.WATERMARK_FIRST);
    DoFnRunner<KeyedWorkItem<K, InputT>, KV<K, OutputT>> simple =
        GroupAlsoByWindowRunner.create(
            spec, context, key -> state.forKey(currentKey, key), () -> timers.forKey(currentKey));
    // Drops elements of windows that expired before they arrived, as Beam's model requires.
    runner =
        DoFnRunners.lateDataDroppingRunner(
            simple, timers.forKey(new ByteKey(new byte[0])), spec.windowingStrategy());
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
    KV<K, InputT> kv = (KV<K, InputT>) element.getValue();
    processKeyedElement(
        StreamRecords.encodeKey(spec.keyCoder(), kv.getKey()), (WindowedValue) element);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processKeyedElement(byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element) {
    KV<K, InputT> kv = (KV<K, InputT>) element.getValue();
    currentKey = new ByteKey(keyBytes);
    KeyedWorkItem<K, InputT> work =
        KeyedWorkItems.elementsWorkItem(
            kv.getKey(), Collections.singletonList(element.withValue(kv.getValue())));
    runner.processElement(WindowedValues.valueInGlobalWindow(work));
  }

  @Override
  public void processWatermark(Instant watermark) {
    driver.advanceInputWatermark(watermark);
  }

  @Override
  public void processProcessingTime(Instant now) {
    driver.fireProcessingTimers(now);
  }

  private void fire(KeyedTimer due) {
    currentKey = due.key();
    K key = StreamRecords.decodeKey(spec.keyCoder(), due.key().bytes());
    KeyedWorkItem<K, InputT> work =
        KeyedWorkItems.timersWorkItem(key, Collections.singletonList(due.timer()));
    runner.processElement(WindowedValues.valueInGlobalWindow(work));
  }
}
