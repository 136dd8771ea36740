package org.beamsamza.translation.translators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.construction.TransformInputs;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.translation.GroupingOptions;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.DoFnOperator;
import org.beamsamza.translation.operators.OperatorFactory;
import org.beamsamza.translation.operators.SortedStatefulDoFnOperator;
import org.beamsamza.translation.operators.StatefulDoFnOperator;

/**
 * ParDo (with any number of outputs and side inputs), fused into the stage of its main input; a
 * DoFn with state, timers or {@code @RequiresTimeSortedInput} reads its input through a repartition
 * stream by key instead ({@link StatefulDoFnOperator}; over bounded input sorted by key, {@link
 * SortedStatefulDoFnOperator}). Splittable DoFns never get here (they are expanded by {@code
 * SamzaTransformOverrides}); a BundleFinalizer in {@code @StartBundle} is not supported and is
 * reported at {@code run()} by name.
 */
public final class ParDoTranslator implements TransformTranslator<ParDo.MultiOutput<?, ?>> {
  @Override
  public void translate(ParDo.MultiOutput<?, ?> transform, TranslationContext context) {
    DoFn<?, ?> doFn = transform.getFn();
    DoFnSignature signature = DoFnSignatures.getSignature(doFn.getClass());
    if (DoFnSignatures.isSplittable(doFn)) {
      // SamzaTransformOverrides expands every splittable ParDo before translation.
      context.unsupported(
          "splittable DoFn "
              + doFn.getClass().getName()
              + " was not expanded (PipelineTranslator.prepare was not called)");
      return;
    }
    if (signature.startBundle() != null
        && signature.startBundle().extraParameters().stream()
            .anyMatch(p -> p instanceof DoFnSignature.Parameter.BundleFinalizerParameter)) {
      // runners-core hands a BundleFinalizer to @ProcessElement only (SimpleDoFnRunner's
      // start-bundle context throws), so refuse it here by name rather than fail in a task.
      context.unsupported(
          "a BundleFinalizer in @StartBundle of "
              + doFn.getClass().getName()
              + " is not supported by SamzaRunner (use it in @ProcessElement)");
      return;
    }

    AppliedPTransform<?, ?, ?> application = context.currentApplication();
    PCollection<?> mainInput =
        (PCollection<?>) TransformInputs.nonAdditionalInputs(application).iterator().next();
    Map<TupleTag<?>, String> outputs = new HashMap<>();
    Map<TupleTag<?>, Coder<?>> outputCoders = new HashMap<>();
    for (Map.Entry<TupleTag<?>, ? extends PValue> output : application.getOutputs().entrySet()) {
      outputs.put(output.getKey(), context.idOf((PCollection<?>) output.getValue()));
      outputCoders.put(output.getKey(), ((PCollection<?>) output.getValue()).getCoder());
    }
    List<PCollectionView<?>> sideInputs = new ArrayList<>(transform.getSideInputs().values());
    if (signature.usesState()
        || signature.usesTimers()
        || signature.processElement().requiresTimeSortedInput()) {
      translateStateful(transform, context, mainInput, outputs, outputCoders, sideInputs);
      return;
    }
    DoFnOperator.Spec spec =
        new DoFnOperator.Spec(
            ownCopy(doFn),
            transform.getMainOutputTag(),
            new ArrayList<>(transform.getAdditionalOutputTags().getAll()),
            mainInput.getCoder(),
            outputCoders,
            mainInput.getWindowingStrategy(),
            ParDo.getDoFnSchemaInformation(doFn, mainInput),
            transform.getSideInputs(),
            sideInputs);
    context.addNode(spec, List.of(context.idOf(mainInput)), outputs, sideInputs);
  }

  /**
   * A copy of the DoFn for this step alone. A stage's plan deserializes as one object graph, so
   * steps holding the same DoFn object (a splittable DoFn's pair-with-restriction and split steps
   * both hold the user's DoFn) would share one instance in a task and see {@code @Setup} twice.
   */
  static DoFn<?, ?> ownCopy(DoFn<?, ?> doFn) {
    return org.apache.beam.sdk.util.SerializableUtils.clone(doFn);
  }

  /**
   * A DoFn with state or timers sees all elements of a key in one task: its input goes through a
   * repartition stream by key, as a GroupByKey's does.
   */
  private static void translateStateful(
      ParDo.MultiOutput<?, ?> transform,
      TranslationContext context,
      PCollection<?> mainInput,
      Map<TupleTag<?>, String> outputs,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      List<PCollectionView<?>> sideInputs) {
    if (!(mainInput.getCoder() instanceof KvCoder<?, ?> kvCoder)) {
      context.unsupported(
          "a stateful DoFn needs a keyed (KV) input with a KvCoder, but its input "
              + mainInput.getName()
              + " has coder "
              + mainInput.getCoder());
      return;
    }
    DoFn<?, ?> doFn = transform.getFn();
    StatefulDoFnOperator.Spec spec =
        new StatefulDoFnOperator.Spec(
            ownCopy(doFn),
            transform.getMainOutputTag(),
            new ArrayList<>(transform.getAdditionalOutputTags().getAll()),
            kvCoder.getKeyCoder(),
            mainInput.getCoder(),
            outputCoders,
            mainInput.getWindowingStrategy(),
            ParDo.getDoFnSchemaInformation(doFn, mainInput),
            transform.getSideInputs(),
            sideInputs);
    TranslationContext.KeyedInput keyedInput = context.keyedInput(mainInput);
    context.addKeyedNode(
        sortedOrStreaming(spec, mainInput, keyedInput, context), keyedInput, outputs, sideInputs);
  }

  /**
   * With {@code --sortedStatefulParDo}, over bounded input without side inputs the DoFn runs sorted
   * by key, each key once at the end of input ({@link SortedStatefulDoFnOperator}), as GroupByKey
   * does there ({@link Groupings}); a side input may still be unready when the main input ends, so
   * with one it streams. Off by default: measured slower than the streaming path for a few keys
   * (docs/benchmarks.md, timers-state), whose state cells stay in the store's write-back cache
   * while the log costs a store write and a read per element.
   */
  @SuppressWarnings("unchecked")
  private static OperatorFactory sortedOrStreaming(
      StatefulDoFnOperator.Spec spec,
      PCollection<?> mainInput,
      TranslationContext.KeyedInput keyedInput,
      TranslationContext context) {
    if (!context.options().as(GroupingOptions.class).getSortedStatefulParDo()
        || !spec.sideInputs().isEmpty()
        || !Groupings.sorted(mainInput, context)) {
      return spec;
    }
    return new SortedStatefulDoFnOperator.Spec(
        spec,
        (Coder<WindowedValue<Object>>) keyedInput.valueCoder(),
        context.options().as(GroupingOptions.class).getSortedGroupingHeapElements());
  }
}
