package org.beamsamza.translation.translators;

import java.util.Map;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.GroupByKeyOperator;
import org.beamsamza.translation.operators.SortedGroupByKeyOperator;

/** GroupByKey: a repartition stream by encoded key, then runners-core's group-also-by-window. */
public final class GroupByKeyTranslator implements TransformTranslator<GroupByKey<?, ?>> {
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(GroupByKey<?, ?> transform, TranslationContext context) {
    var application = context.currentApplication();
    PCollection<KV<Object, Object>> input =
        (PCollection<KV<Object, Object>>) application.getInputs().values().iterator().next();
    PCollection<?> output = (PCollection<?>) application.getOutputs().values().iterator().next();
    KvCoder<Object, Object> kvCoder = (KvCoder<Object, Object>) input.getCoder();
    TupleTag<KV<Object, Iterable<Object>>> tag = new TupleTag<>("grouped");
    GroupByKeyOperator.Spec<Object, Object, Iterable<Object>> spec =
        new GroupByKeyOperator.Spec<>(
            kvCoder.getKeyCoder(),
            (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy(),
            new Buffering<>(kvCoder.getValueCoder()),
            tag);
    TranslationContext.KeyedInput keyedInput = context.keyedInput(input);
    context.addKeyedNode(
        context.currentStepName(),
        Groupings.operatorFor(
            input, spec, keyedInput, SortedGroupByKeyOperator.bufferingFold(), context),
        keyedInput,
        Map.of(tag, context.idOf(output)));
  }

  /** Collects all values of a key and window into an Iterable. */
  static final class Buffering<K, V>
      implements GroupByKeyOperator.ReduceFnFactory<K, V, Iterable<V>> {
    private final Coder<V> valueCoder;

    Buffering(Coder<V> valueCoder) {
      this.valueCoder = valueCoder;
    }

    @Override
    public SystemReduceFn<K, V, ?, Iterable<V>, BoundedWindow> create() {
      return SystemReduceFn.buffering(valueCoder);
    }
  }
}
