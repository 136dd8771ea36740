package org.beamsamza.translation.operators;

import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * The first half of a lifted Combine.perKey: folds the inputs of each (key, window) into one
 * accumulator before the repartition stream, so that a key's many small values cross the exchange
 * as few times as possible. Accumulators live on the heap across bundles and across watermark
 * advances (an operator-internal detail no user code can observe), in a {@link HeldAccumulators}
 * table chosen by the WindowFn (windows that merge are merged per key as they are held), and a
 * (key, window) accumulator is emitted only when it must be:
 *
 * <ul>
 *   <li>when the input watermark passes its window's end ({@code maxTimestamp() < watermark}), so
 *       that the downstream merge sees it before its own input watermark can close the window;
 *   <li>at the end of a bundle, if its window had already closed when the element came (late data:
 *       held longer it would only be later);
 *   <li>before every commit ({@link #prepareCommit}: the commit checkpoints the input offsets, and
 *       nothing derived from input before a checkpoint may live only on the heap);
 *   <li>when the table reaches its size bound ({@code maxEntries} held accumulators): all of them.
 * </ul>
 *
 * <p>While it holds accumulators, the output watermark is held at the least timestamp they will be
 * emitted with (never above the input watermark), so an emitted accumulator is never behind the
 * watermark already sent: downstream, the merge's lateness, holds and output timestamps are exactly
 * those it would have had with every input element crossing alone.
 *
 * <p>Only used where pre-combining cannot change what the downstream grouping outputs (see the
 * translator): the default trigger (it fires once at the window's end, then per late pane, whatever
 * the number of inputs), or a bounded input grouped sorted under a trigger that counts no elements;
 * windows that merge only over bounded input, which has no late data whose window a merge could
 * revive.
 */
public final class PartialCombineOperator<K, InputT, AccumT> implements Operator {
  public record Spec<K, InputT, AccumT>(
      CombineFn<InputT, AccumT, ?> combineFn,
      Coder<K> keyCoder,
      Coder<AccumT> accumulatorCoder,
      WindowFn<?, BoundedWindow> windowFn,
      TimestampCombiner timestampCombiner,
      TupleTag<KV<K, AccumT>> outputTag,
      int maxEntries)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new PartialCombineOperator<>(this);
    }
  }

  private final Spec<K, InputT, AccumT> spec;
  private AccumulatorFold<InputT, AccumT> fold;
  private HeldAccumulators<K, InputT, AccumT> held;
  private OperatorContext context;

  /** The latest input watermark; windows ending before it are closed. */
  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /** An element came for an already-closed window: flush those at the end of the bundle. */
  private boolean heldLate;

  PartialCombineOperator(Spec<K, InputT, AccumT> spec) {
    this.spec = spec;
  }

  @Override
  public void open(OperatorContext context) {
    this.context = context;
    // this task's own copy of the CombineFn (see StageTaskFactory)
    this.fold = new AccumulatorFold<>(spec.combineFn(), spec.accumulatorCoder());
    this.held =
        spec.windowFn().isNonMerging()
            ? new AccumulatorsByWindow<>(fold, spec.timestampCombiner())
            : new MergingAccumulatorsByKey<>(fold, spec.windowFn(), spec.timestampCombiner());
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(WindowedValue<?> element) {
    KV<K, InputT> kv = (KV<K, InputT>) element.getValue();
    // Grouped by the key's structural value (its encoded form unless the coder is consistent
    // with equals).
    Object structural = spec.keyCoder().structuralValue(kv.getKey());
    for (BoundedWindow window : element.getWindows()) {
      Instant timestamp = spec.timestampCombiner().assign(window, element.getTimestamp());
      held.add(kv.getKey(), structural, window, timestamp, kv.getValue());
      if (window.maxTimestamp().isBefore(inputWatermark)) {
        heldLate = true;
      }
    }
    if (held.entries() >= spec.maxEntries()) {
      flush(w -> true);
    }
  }

  @Override
  public void finishBundle() {
    if (heldLate) {
      heldLate = false;
      flush(w -> w.maxTimestamp().isBefore(inputWatermark));
    }
  }

  @Override
  public void prepareCommit() {
    heldLate = false;
    flush(w -> true);
  }

  @Override
  public void processWatermark(Instant watermark) {
    inputWatermark = watermark;
    heldLate = false;
    // Most advances close nothing (a source announces one per poll): then nothing is emitted, and
    // the output watermark stays where the hold keeps it.
    if (held.holdsWindowClosedBy(watermark)) {
      flush(w -> w.maxTimestamp().isBefore(watermark));
    } else {
      emitHeldWatermark();
    }
  }

  /** Emits the held accumulators of the windows {@code which} selects, then the new hold. */
  private void flush(java.util.function.Predicate<BoundedWindow> which) {
    if (held.isEmpty()) {
      emitHeldWatermark();
      return;
    }
    held.removeWindows(
        which,
        (key, accumulator, timestamp, window) ->
            context.emit(
                spec.outputTag(),
                WindowedValues.of(
                    KV.of(key, fold.compact(accumulator)), timestamp, window, PaneInfo.NO_FIRING)));
    emitHeldWatermark();
  }

  /** The input watermark, held back at the least timestamp of what is still held. */
  private void emitHeldWatermark() {
    if (inputWatermark.equals(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
      return; // nothing announced yet
    }
    Instant least = held.leastTimestamp();
    context.emitWatermark(least.isBefore(inputWatermark) ? least : inputWatermark);
  }

  @Override
  public String toString() {
    return "PartialCombine(" + Objects.toString(spec.combineFn()) + ")";
  }
}
