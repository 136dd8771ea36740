package org.beamsamza.translation.operators;

import java.util.HashMap;
import java.util.Map;
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
 * The first half of a lifted Combine.perKey: folds the inputs of each (key, window) seen in a
 * bundle into one accumulator before the repartition stream, so that a key's many small values
 * cross the exchange as few times as possible. Accumulators live across bundles (an
 * operator-internal detail no user code can observe) and are emitted before any watermark passes
 * them, before every commit, and when the table reaches its size bound.
 *
 * <p>Only used for non-merging windows and the default trigger (see the translator): with those,
 * pre-combining cannot change what the downstream ReduceFnRunner outputs.
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

  /**
   * Groups by the key's structural value (its encoded form unless the coder is consistent with
   * equals).
   */
  private record Slot(Object structuralKey, BoundedWindow window) {}

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
  private final Map<Slot, Partial<K, AccumT>> table = new HashMap<>();

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
    Object structural = spec.keyCoder().structuralValue(kv.getKey());
    for (BoundedWindow window : element.getWindows()) {
      Instant timestamp = spec.timestampCombiner().assign(window, element.getTimestamp());
      Slot slot = new Slot(structural, window);
      Partial<K, AccumT> partial = table.get(slot);
      if (partial == null) {
        AccumT acc = stable(combineFn.addInput(combineFn.createAccumulator(), input), pagedInput);
        table.put(slot, new Partial<>(kv.getKey(), acc, timestamp));
      } else {
        partial.accumulator = stable(combineFn.addInput(partial.accumulator, input), pagedInput);
        partial.timestamp = spec.timestampCombiner().combine(partial.timestamp, timestamp);
      }
    }
    if (table.size() >= spec.maxEntries()) {
      flush();
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
  public void prepareCommit() {
    flush();
  }

  @Override
  public void processWatermark(Instant watermark) {
    flush();
    context.emitWatermark(watermark);
  }

  private void flush() {
    for (Map.Entry<Slot, Partial<K, AccumT>> e : table.entrySet()) {
      Partial<K, AccumT> p = e.getValue();
      context.emit(
          spec.outputTag(),
          WindowedValues.of(
              KV.of(p.key, combineFn.compact(p.accumulator)),
              p.timestamp,
              e.getKey().window(),
              PaneInfo.NO_FIRING));
    }
    table.clear();
  }

  @Override
  public String toString() {
    return "PartialCombine(" + Objects.toString(spec.combineFn()) + ")";
  }
}
