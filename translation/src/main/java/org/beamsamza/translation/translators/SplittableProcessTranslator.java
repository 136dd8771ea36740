package org.beamsamza.translation.translators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.KeyedWorkItemCoder;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems.ProcessFn;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.construction.TransformInputs;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.SplittableProcessOperator;

/**
 * A splittable DoFn's {@code ProcessElements} (what {@code SamzaTransformOverrides} made of a
 * splittable ParDo): a keyed operator ({@link SplittableProcessOperator}) reading, through a
 * repartition stream by the unique key each element and restriction got, the KV input of the {@code
 * GBKIntoKeyedWorkItems} in front of it.
 */
public final class SplittableProcessTranslator
    implements TransformTranslator<
        SplittableParDoViaKeyedWorkItems.ProcessElements<?, ?, ?, ?, ?>> {
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(
      SplittableParDoViaKeyedWorkItems.ProcessElements<?, ?, ?, ?, ?> transform,
      TranslationContext context) {
    DoFn<?, ?> fn = transform.getFn();
    ProcessFn<?, ?, ?, ?, ?> processFn = transform.newProcessFn((DoFn) fn);
    AppliedPTransform<?, ?, ?> application = context.currentApplication();
    PCollection<?> input =
        (PCollection<?>) TransformInputs.nonAdditionalInputs(application).iterator().next();
    KeyedWorkItemCoder<?, ?> workItemCoder = (KeyedWorkItemCoder<?, ?>) input.getCoder();
    // The repartition stream carries the exchange's KV input: the unique key, and the element and
    // restriction in the window of the element.
    TranslationContext.KeyedInput keyed =
        new TranslationContext.KeyedInput(
            context.idOf(input),
            workItemCoder.getKeyCoder(),
            (Coder)
                WindowedValues.getFullCoder(
                    workItemCoder.getElementCoder(),
                    processFn.getInputWindowingStrategy().getWindowFn().windowCoder()));

    Map<TupleTag<?>, String> outputs = new HashMap<>();
    Map<TupleTag<?>, Coder<?>> outputCoders = new HashMap<>();
    for (Map.Entry<TupleTag<?>, ? extends PValue> output : application.getOutputs().entrySet()) {
      outputs.put(output.getKey(), context.idOf((PCollection<?>) output.getValue()));
      outputCoders.put(output.getKey(), ((PCollection<?>) output.getValue()).getCoder());
    }
    List<PCollectionView<?>> sideInputs = new ArrayList<>(transform.getSideInputs());
    SplittableProcessOperator.Spec spec =
        new SplittableProcessOperator.Spec(
            processFn,
            transform.getMainOutputTag(),
            new ArrayList<>(transform.getAdditionalOutputTags().getAll()),
            workItemCoder.getKeyCoder(),
            workItemCoder,
            outputCoders,
            sideInputs);
    context.addKeyedNode(spec, keyed, outputs, sideInputs);
  }
}
