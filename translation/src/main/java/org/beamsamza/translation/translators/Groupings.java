package org.beamsamza.translation.translators;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.translation.GroupingOptions;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.GroupByKeyOperator;
import org.beamsamza.translation.operators.OperatorFactory;
import org.beamsamza.translation.operators.SortedGroupByKeyOperator;

/**
 * Chooses how a keyed grouping (GroupByKey, the merge half of a lifted Combine) runs after its
 * repartition stream: sorted and run once per key at the end of input when the input is bounded and
 * the trigger is the default one (the result is the same and it costs one store write per element
 * instead of a ReduceFnRunner round trip through the store), else the streaming path.
 */
final class Groupings {
  private Groupings() {}

  static <K, V, O> OperatorFactory operatorFor(
      PCollection<?> input,
      GroupByKeyOperator.Spec<K, V, O> grouping,
      Coder<V> valueCoder,
      TranslationContext context) {
    GroupingOptions options = context.options().as(GroupingOptions.class);
    boolean sortable =
        input.isBounded() == PCollection.IsBounded.BOUNDED
            && DefaultTrigger.of().equals(grouping.windowingStrategy().getTrigger());
    if (sortable && options.getSortedBatchGrouping()) {
      return new SortedGroupByKeyOperator.Spec<>(
          grouping, valueCoder, options.getSortedGroupingHeapElements());
    }
    return grouping;
  }
}
