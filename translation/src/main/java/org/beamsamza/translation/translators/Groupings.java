package org.beamsamza.translation.translators;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.translation.GroupingOptions;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.GroupByKeyOperator;
import org.beamsamza.translation.operators.OperatorFactory;
import org.beamsamza.translation.operators.SortedGroupByKeyOperator;

/**
 * Chooses how a keyed grouping (GroupByKey, the merge half of a lifted Combine) runs after its
 * repartition stream: sorted and run once per key at the end of input when the input is bounded
 * (its watermark does not move until the input ends, so the streaming path would only hold every
 * window open in the store until then, at a ReduceFnRunner round trip through the store per
 * element; sorted, an element costs one store write), else the streaming path.
 */
final class Groupings {
  private Groupings() {}

  /** Whether a grouping of {@code input} runs sorted (bounded input, the option on). */
  static boolean sorted(PCollection<?> input, TranslationContext context) {
    return input.isBounded() == PCollection.IsBounded.BOUNDED
        && context.options().as(GroupingOptions.class).getSortedBatchGrouping();
  }

  static <K, V, O> OperatorFactory operatorFor(
      PCollection<?> input,
      GroupByKeyOperator.Spec<K, V, O> grouping,
      TranslationContext.KeyedInput keyedInput,
      Combine.CombineFn<V, ?, O> paneFold,
      TranslationContext context) {
    GroupingOptions options = context.options().as(GroupingOptions.class);
    if (sorted(input, context)) {
      @SuppressWarnings("unchecked")
      Coder<WindowedValue<V>> elementCoder = (Coder<WindowedValue<V>>) keyedInput.valueCoder();
      WindowingStrategy<?, ?> windowing = grouping.windowingStrategy();
      boolean onePanePerWindow = DefaultTrigger.of().equals(windowing.getTrigger());
      return new SortedGroupByKeyOperator.Spec<>(
          grouping,
          elementCoder,
          options.getSortedGroupingHeapElements(),
          onePanePerWindow ? paneFold : null);
    }
    return grouping;
  }
}
