package org.beamsamza.translation.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.GroupAlsoByWindowViaWindowSetNewDoFn;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.runtime.io.ByteArrayInput;
import org.beamsamza.state.beam.BagPaging;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.KeyedElementLog;
import org.beamsamza.state.beam.StepState;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;

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
 * input arrive at once (in store reads of {@link #BATCH} elements for a key past the heap bound),
 * and processing time jump to the end after it: element-count and processing-time triggers then
 * fire once per arrival rather than once per element or tick, as in Beam's batch runners; every
 * element is still in exactly one pane per window under discarding mode. Until the end of input the
 * output watermark stays where it started; then it jumps to the end. The log is in the store, so a
 * restart before the end finds every element whose offset was checkpointed.
 */
public final class SortedGroupByKeyOperator<K, InputT, OutputT> implements Operator {
  /** Elements per store read and per work item when a key's state is in the store. */
  static final int BATCH = 1_000;

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
  private KeyedElementLog log;
  private DoFnRunner<KeyedWorkItem<K, InputT>, KV<K, OutputT>> runner;
  private OperatorContext context;

  /** The state and timers of the key being grouped: the runner's factories answer with these. */
  private StateInternals currentState;

  private InMemoryTimerInternals currentTimers;
  private boolean ended;

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
    log = state.keyedElementLog();
    runner =
        GroupAlsoByWindowRunner.create(grouping, context, key -> currentState, () -> currentTimers);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(WindowedValue<?> element) throws Exception {
    KV<K, InputT> kv = (KV<K, InputT>) element.getValue();
    processKeyedElement(
        StreamRecords.encodeKey(spec.grouping().keyCoder(), kv.getKey()), (WindowedValue) element);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processKeyedElement(byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element)
      throws Exception {
    InputT value = ((KV<K, InputT>) element.getValue()).getValue();
    // Encoded as a repartition stream encodes it (nested context), so both paths log alike.
    log.append(
        keyBytes,
        StreamRecords.dataPayload(
            StreamRecords.encodeData(spec.elementCoder(), element.withValue(value))));
  }

  /** From a repartition stream: the record's payload is the element as the log keeps it. */
  @Override
  public void processKeyedRecord(
      byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element, byte[] record) {
    log.append(keyBytes, StreamRecords.dataPayload(record));
  }

  /** The log's appends reach the store before the commit checkpoints their input offsets. */
  @Override
  public void prepareCommit() {
    log.flush();
  }

  @Override
  public void processWatermark(Instant watermark) throws Exception {
    if (!ended && !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      ended = true;
      groupEveryKey();
      context.emitWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }
  }

  private void groupEveryKey() throws Exception {
    try (KeyedElementLog.Reader reader = log.read(BATCH)) {
      byte[] keyBytes;
      while ((keyBytes = reader.nextKey()) != null) {
        K key = StreamRecords.decodeKey(spec.grouping().keyCoder(), keyBytes);
        List<byte[]> elements = reader.nextElements(spec.inMemoryElements() + 1);
        if (onePanePerWindow != null && elements.size() <= spec.inMemoryElements()) {
          onePanePerWindow.emit(key, decode(elements), context);
          continue;
        }
        currentState =
            elements.size() <= spec.inMemoryElements()
                ? InMemoryStateInternals.forKey(key)
                : state.forKey(new ByteKey(keyBytes), key);
        currentTimers = new InMemoryTimerInternals();
        // Processing-time triggers measure their delays from now, as if the whole input had
        // arrived at once; they fire when the clock moves to the end below.
        Instant now = context.processingClock().now();
        currentTimers.advanceProcessingTime(now);
        currentTimers.advanceSynchronizedProcessingTime(now);
        do {
          process(KeyedWorkItems.elementsWorkItem(key, decode(elements)));
        } while (!(elements = reader.nextElements(BATCH)).isEmpty());
        fireEveryTimer(key);
      }
    } finally {
      currentState = null;
      currentTimers = null;
    }
  }

  /** Moves the key's watermark and clock to the end and fires its timers until none is left. */
  private void fireEveryTimer(K key) throws Exception {
    currentTimers.advanceInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    currentTimers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    currentTimers.advanceSynchronizedProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    List<TimerInternals.TimerData> due = new ArrayList<>();
    while (true) {
      TimerInternals.TimerData timer;
      while ((timer = currentTimers.removeNextEventTimer()) != null) {
        due.add(timer);
      }
      while ((timer = currentTimers.removeNextProcessingTimer()) != null) {
        due.add(timer);
      }
      while ((timer = currentTimers.removeNextSynchronizedProcessingTimer()) != null) {
        due.add(timer);
      }
      if (due.isEmpty()) {
        return;
      }
      process(KeyedWorkItems.timersWorkItem(key, due));
      due = new ArrayList<>();
    }
  }

  private void process(KeyedWorkItem<K, InputT> work) {
    runner.processElement(WindowedValues.valueInGlobalWindow(work));
  }

  private List<WindowedValue<InputT>> decode(List<byte[]> encoded) throws Exception {
    List<WindowedValue<InputT>> out = new ArrayList<>(encoded.size());
    for (byte[] bytes : encoded) {
      // Nested context, as the repartition stream encoded it (CoderUtils' outer context would
      // read a string's length prefix as its first character).
      out.add(spec.elementCoder().decode(new ByteArrayInput(bytes, 0)));
    }
    return out;
  }
}
