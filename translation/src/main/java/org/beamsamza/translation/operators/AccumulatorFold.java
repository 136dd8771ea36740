package org.beamsamza.translation.operators;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * How a partial combine folds an input into an accumulator, shared by its {@link HeldAccumulators}
 * tables.
 *
 * <p>An accumulator may keep its input (View.asSingleton's combiner, ToList) until the flush, after
 * the GroupByKey that produced a grouped Iterable in the input has cleared the group. Then the
 * accumulator is cloned through its coder: a stable copy of what it keeps, no more (a count keeps a
 * number, not the group).
 */
final class AccumulatorFold<InputT, AccumT> {
  private final CombineFn<InputT, AccumT, ?> combineFn;
  private final Coder<AccumT> accumulatorCoder;

  AccumulatorFold(CombineFn<InputT, AccumT, ?> combineFn, Coder<AccumT> accumulatorCoder) {
    this.combineFn = combineFn;
    this.accumulatorCoder = accumulatorCoder;
  }

  /** A new accumulator holding {@code input}. */
  AccumT first(InputT input) {
    return add(combineFn.createAccumulator(), input);
  }

  AccumT add(AccumT accumulator, InputT input) {
    AccumT added = combineFn.addInput(accumulator, input);
    if (!RetainedValues.holdsPagedRead(input)) {
      return added;
    }
    try {
      return CoderUtils.clone(accumulatorCoder, added);
    } catch (CoderException e) {
      throw new IllegalStateException("cannot copy the accumulator with " + accumulatorCoder, e);
    }
  }

  AccumT merge(List<AccumT> accumulators) {
    return combineFn.mergeAccumulators(accumulators);
  }

  /** The accumulator as it crosses the exchange. */
  AccumT compact(AccumT accumulator) {
    return combineFn.compact(accumulator);
  }
}
