package org.beamsamza.translation.operators;

import java.util.List;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.GroupAlsoByWindowViaWindowSetNewDoFn;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.state.beam.BagPaging;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.KeyedElementLog;
import org.beamsamza.state.beam.StepState;

/**
 * GroupByKey (or the merge half of a lifted Combine) over <b>bounded</b> input, the way the Flink
 * and Spark batch translations run it: sort, then run each key once. Such input's watermark stays
 * at its start until the input ends, so the streaming path ({@link GroupByKeyOperator}) would keep
 * every key's windows, holds and timers in the store until then, reading and writing them for every
 * element (merging windows: the active-window set, the merged state) only to fire them all at the
 * end. Here an element costs one append to a {@link KeyedElementLog} in the task's store; at the
 * end of input the log is read back key by key, and each key's elements go to runners-core's
 * group-also-by-window (the same {@link GroupAlsoByWindowViaWindowSetNewDoFn} and ReduceFnRunner as
 * the streaming path) in one work item, over per-key in-memory state and timers; then its watermark
 * moves to the end and its timers fire. A key with more than {@link #inMemoryElements} elements
 * keeps its state in the store instead, so a hot key's group still need not fit on the heap.
 *
 * <p>With the default trigger the result is the streaming path's: one on-time pane per window when
 * the watermark passes its end (the end of input), nothing late. Other triggers see a key's whole
 * input arrive at once (in store reads of {@link SortedKeyedInput#BATCH} elements for a key past
 * the heap bound), and processing time jump to the end after it: element-count and processing-time
 * triggers then fire once per arrival rather than once per element or tick, as in Beam's batch
 * runners; every element is still in exactly one pane per window under discarding mode. Until the
 * end of input the output watermark stays where it started; then it jumps to the end. The log is in
 * the store, so a restart before the end finds every element whose offset was checkpointed.
 */
public final class SortedGroupByKeyOperator<K, InputT, OutputT>
    extends SortedKeyedOperator<K, InputT> {
  /**
   * @param grouping what to group and how (as for the streaming path)
   * @param elementCoder the keyed input's windowed-value coder: the log holds elements as the
   *     repartition stream carried them
   * @param inMemoryElements a key with more elements than this keeps its state in the store
   * @param paneFold with the default trigger, how a window's values fold into its one pane ({@link
   *     #bufferingFold} for GroupByKey): such keys skip the ReduceFnRunner ({@link
   *     OnePanePerWindow}); {@code null} otherwise
   */
  public record Spec<K, InputT, OutputT>(
      GroupByKeyOperator.Spec<K, InputT, OutputT> grouping,
      Coder<WindowedValue<InputT>> elementCoder,
      int inMemoryElements,
      Combine.CombineFn<InputT, ?, OutputT> paneFold)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new SortedGroupByKeyOperator<>(this);
    }
  }

  /** GroupByKey's pane fold: a window's values in arrival order. */
  public static <V> Combine.CombineFn<V, ?, Iterable<V>> bufferingFold() {
    return new OnePanePerWindow.Buffering<>();
  }

  private final Spec<K, InputT, OutputT> spec;
  private OnePanePerWindow<K, InputT, ?, OutputT> onePanePerWindow;
  private StepState state;
  private DoFnRunner<KeyedWorkItem<K, InputT>, KV<K, OutputT>> runner;
  private OperatorContext context;

  /** The state and timers of the key being grouped: the runner's factories answer with these. */
  private StateInternals currentState;

  private InMemoryTimerInternals currentTimers;

  SortedGroupByKeyOperator(Spec<K, InputT, OutputT> spec) {
    this.spec = spec;
  }

  @Override
  public void open(OperatorContext context) {
    this.context = context;
    var grouping = spec.grouping();
    if (spec.paneFold() != null) {
      onePanePerWindow =
          new OnePanePerWindow<>(
              spec.paneFold(), grouping.windowingStrategy(), grouping.outputTag());
    }
    Coder<? extends BoundedWindow> windowCoder =
        grouping.windowingStrategy().getWindowFn().windowCoder();
    state =
        new StepState(
            context.stateStore(),
            context.stepName(),
            windowCoder,
            BagPaging.fromSystemProperties());
    openInput(
        context,
        state.keyedElementLog(),
        grouping.keyCoder(),
        spec.elementCoder(),
        spec.inMemoryElements());
    runner =
        GroupAlsoByWindowRunner.create(grouping, context, key -> currentState, () -> currentTimers);
  }

  @Override
  protected void afterKeys() {
    currentState = null;
    currentTimers = null;
  }

  @Override
  protected void runKey(SortedKeyedInput.SortedKey<K, InputT> sorted) throws Exception {
    K key = sorted.key();
    List<WindowedValue<InputT>> elements = sorted.first();
    if (onePanePerWindow != null && sorted.fitsOnHeap()) {
      onePanePerWindow.emit(key, elements, context);
      return;
    }
    currentState =
        sorted.fitsOnHeap()
            ? InMemoryStateInternals.forKey(key)
            : state.forKey(new ByteKey(sorted.keyBytes()), key);
    currentTimers = HeapKeyTimers.startingAt(context.processingClock().now());
    do {
      process(KeyedWorkItems.elementsWorkItem(key, elements));
    } while (!(elements = sorted.next()).isEmpty());
    // The streaming path's order at the end of input: the watermark first, so that every window's
    // on-time pane comes before any pending processing-time trigger adds one more early pane.
    HeapKeyTimers.fireAll(
        currentTimers,
        KeyedTimerDriver.EndOfInput.WATERMARK_FIRST,
        timer -> process(KeyedWorkItems.timersWorkItem(key, List.of(timer))));
  }

  private void process(KeyedWorkItem<K, InputT> work) {
    runner.processElement(WindowedValues.valueInGlobalWindow(work));
  }
}
