package org.beamsamza.translation.operators;

import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * The first half of a lifted Combine.perKey: folds the inputs of each (key, window) into one
 * accumulator before the repartition stream, so that a key's many small values cross the exchange
 * as few times as possible. Accumulators live on the heap across bundles and across watermark
 * advances (an operator-internal detail no user code can observe), and a (key, window) accumulator
 * is emitted only when it must be:
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
 * <p>Only used for non-merging windows and the default trigger (see the translator): with those,
 * pre-combining cannot change what the downstream ReduceFnRunner outputs, since the default trigger
 * fires once at the window's end (then per late pane) whatever the number of inputs.
 */
public final class PartialCombineOperator<K, InputT, AccumT> implements Operator {
  public record Spec<K, InputT, AccumT>(
      CombineFn<InputT, AccumT, ?> combineFn,
      Coder<K> keyCoder,
      Coder<AccumT> accumulatorCoder,
      TimestampCombiner timestampCombiner,
      TupleTag<KV<K, AccumT>> outputTag,
      int maxEntries)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new PartialCombineOperator<>(this);
    }
  }

  private static final class Partial<K, AccumT> {
    final K key;
    AccumT accumulator;
    Instant timestamp;

    Partial(K key, AccumT accumulator, Instant timestamp) {
      this.key = key;
      this.accumulator = accumulator;
      this.timestamp = timestamp;
    }
  }

  private final Spec<K, InputT, AccumT> spec;
  private CombineFn<InputT, AccumT, ?> combineFn;
  private OperatorContext context;
  private final HeldAccumulators<Partial<K, AccumT>> held = new HeldAccumulators<>();

  /** The latest input watermark; windows ending before it are closed. */
  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /** An element came for an already-closed window: flush those at the end of the bundle. */
  private boolean heldLate;

  PartialCombineOperator(Spec<K, InputT, AccumT> spec) {
    this.spec = spec;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void open(OperatorContext context) {
    this.context = context;
    this.combineFn = spec.combineFn(); // this task's own copy (see StageTaskFactory)
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(WindowedValue<?> element) {
    KV<K, InputT> kv = (KV<K, InputT>) element.getValue();
    InputT input = kv.getValue();
    // An accumulator may keep its input (View.asSingleton's combiner, ToList) until the flush,
    // after the GroupByKey that produced a grouped Iterable in the input has cleared the group.
    // Then the accumulator is cloned through its coder: a stable copy of what it keeps, no more
    // (a count keeps a number, not the group).
    boolean pagedInput = RetainedValues.holdsPagedRead(input);
    // Grouped by the key's structural value (its encoded form unless the coder is consistent
    // with equals).
    Object structural = spec.keyCoder().structuralValue(kv.getKey());
    for (BoundedWindow window : element.getWindows()) {
      Instant timestamp = spec.timestampCombiner().assign(window, element.getTimestamp());
      HeldAccumulators.WindowGroup<Partial<K, AccumT>> group = held.group(window, timestamp);
      Partial<K, AccumT> partial = group.byKey.get(structural);
      if (partial == null) {
        AccumT acc = stable(combineFn.addInput(combineFn.createAccumulator(), input), pagedInput);
        group.byKey.put(structural, new Partial<>(kv.getKey(), acc, timestamp));
        held.added();
      } else {
        partial.accumulator = stable(combineFn.addInput(partial.accumulator, input), pagedInput);
        partial.timestamp = spec.timestampCombiner().combine(partial.timestamp, timestamp);
      }
      if (window.maxTimestamp().isBefore(inputWatermark)) {
        heldLate = true;
      }
    }
    if (held.entries() >= spec.maxEntries()) {
      flush(w -> true);
    }
  }

  private AccumT stable(AccumT accumulator, boolean pagedInput) {
    if (!pagedInput) {
      return accumulator;
    }
    try {
      return CoderUtils.clone(spec.accumulatorCoder(), accumulator);
    } catch (CoderException e) {
      throw new IllegalStateException(
          "cannot copy the accumulator with " + spec.accumulatorCoder(), e);
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
    for (HeldAccumulators.WindowGroup<Partial<K, AccumT>> group : held.removeWindows(which)) {
      for (Partial<K, AccumT> p : group.byKey.values()) {
        context.emit(
            spec.outputTag(),
            WindowedValues.of(
                KV.of(p.key, combineFn.compact(p.accumulator)),
                p.timestamp,
                group.window,
                PaneInfo.NO_FIRING));
      }
    }
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
