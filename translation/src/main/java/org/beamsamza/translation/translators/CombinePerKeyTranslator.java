package org.beamsamza.translation.translators;

import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.CombineFnBase.GlobalCombineFn;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.GroupByKeyOperator;
import org.beamsamza.translation.operators.PartialCombineOperator;

/**
 * Combine.perKey with combiner lifting: a partial combine fused before the repartition stream, then
 * the accumulators merged by group-also-by-window after it. Lifted only when that cannot change the
 * result: a plain CombineFn (no side inputs or context) and, over unbounded input, windows that do
 * not merge and the default trigger; over bounded input grouped sorted, any windows (merging ones
 * are merged per key in the partial combine too, as Beam's Flink and Spark batch translations do)
 * and any trigger that counts no elements (count-based triggers would see accumulators instead of
 * elements). Otherwise the composite expands into GroupByKey + Combine.GroupedValues.
 */
public final class CombinePerKeyTranslator implements TransformTranslator<Combine.PerKey<?, ?, ?>> {
  /** Bound on distinct (key, window) accumulators a task holds before flushing mid-bundle. */
  static final int MAX_PARTIAL_ENTRIES = 100_000;

  @Override
  public boolean canTranslate(Combine.PerKey<?, ?, ?> transform, TranslationContext context) {
    if (!(transform.getFn() instanceof Combine.CombineFn) || !transform.getSideInputs().isEmpty()) {
      return false;
    }
    PCollection<?> input =
        (PCollection<?>) context.currentApplication().getInputs().values().iterator().next();
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    boolean sorted = Groupings.sorted(input, context);
    if (windowing.needsMerge() && !sorted) {
      // Unbounded, a late element's window could merge in the partial combine with an open one
      // and so escape the lateness check the grouping makes on each element's own window.
      return false;
    }
    boolean defaultTrigger = DefaultTrigger.of().equals(windowing.getTrigger());
    if (!defaultTrigger && !(sorted && countsNoElements(windowing))) {
      return false;
    }
    return accumulatorCoder(transform, input) != null;
  }

  /**
   * Whether no part of the trigger counts elements. Over a sorted (bounded) grouping, a key's whole
   * input reaches the ReduceFnRunner at once and its panes are decided after it, so a trigger on
   * time or the watermark sees the same whole input as accumulators; an element-count trigger would
   * count accumulators instead of elements.
   */
  private static boolean countsNoElements(WindowingStrategy<?, ?> windowing) {
    java.util.Deque<Trigger> pending = new java.util.ArrayDeque<>(List.of(windowing.getTrigger()));
    while (!pending.isEmpty()) {
      Trigger trigger = pending.pop();
      if (trigger instanceof AfterPane) {
        return false;
      }
      pending.addAll(trigger.subTriggers());
    }
    return true;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Coder<?> accumulatorCoder(
      Combine.PerKey<?, ?, ?> transform, PCollection<?> input) {
    KvCoder<?, ?> kvCoder = (KvCoder<?, ?>) input.getCoder();
    try {
      return ((Combine.CombineFn) transform.getFn())
          .getAccumulatorCoder(input.getPipeline().getCoderRegistry(), kvCoder.getValueCoder());
    } catch (CannotProvideCoderException e) {
      return null;
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(Combine.PerKey<?, ?, ?> transform, TranslationContext context) {
    var application = context.currentApplication();
    PCollection<KV<Object, Object>> input =
        (PCollection<KV<Object, Object>>) application.getInputs().values().iterator().next();
    PCollection<?> output = (PCollection<?>) application.getOutputs().values().iterator().next();
    KvCoder<Object, Object> kvCoder = (KvCoder<Object, Object>) input.getCoder();
    Combine.CombineFn<Object, Object, Object> fn =
        (Combine.CombineFn<Object, Object, Object>) transform.getFn();
    Coder<Object> accumCoder = (Coder<Object>) accumulatorCoder(transform, input);
    WindowingStrategy<?, BoundedWindow> windowing =
        (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy();

    String partialStep = context.currentStepName() + "/PartialCombine";
    String accumulators = context.newInternalId(partialStep);
    TupleTag<KV<Object, Object>> partialTag = new TupleTag<>("partial");
    context.addNode(
        partialStep,
        new PartialCombineOperator.Spec<>(
            fn,
            kvCoder.getKeyCoder(),
            accumCoder,
            windowing.getWindowFn(),
            windowing.getTimestampCombiner(),
            partialTag,
            MAX_PARTIAL_ENTRIES),
        List.of(context.idOf(input)),
        Map.of(partialTag, accumulators));

    TupleTag<KV<Object, Object>> mergedTag = new TupleTag<>("merged");
    TranslationContext.KeyedInput keyedAccumulators =
        new TranslationContext.KeyedInput(
            accumulators,
            kvCoder.getKeyCoder(),
            (Coder) WindowedValues.getFullCoder(accumCoder, windowing.getWindowFn().windowCoder()));
    context.addKeyedNode(
        context.currentStepName() + "/MergeAccumulators",
        Groupings.operatorFor(
            input,
            new GroupByKeyOperator.Spec<>(
                kvCoder.getKeyCoder(),
                windowing,
                new Merging<>(fn, kvCoder.getKeyCoder(), accumCoder),
                mergedTag),
            keyedAccumulators,
            new MergeAccumulatorsFn<>(fn, accumCoder),
            context),
        keyedAccumulators,
        Map.of(mergedTag, context.idOf(output)));
  }

  /** Merges accumulators per key and window, then extracts the output. */
  static final class Merging<K, AccumT, OutputT>
      implements GroupByKeyOperator.ReduceFnFactory<K, AccumT, OutputT> {
    private final Combine.CombineFn<?, AccumT, OutputT> fn;
    private final Coder<K> keyCoder;
    private final Coder<AccumT> accumCoder;

    Merging(Combine.CombineFn<?, AccumT, OutputT> fn, Coder<K> keyCoder, Coder<AccumT> accumCoder) {
      this.fn = fn;
      this.keyCoder = keyCoder;
      this.accumCoder = accumCoder;
    }

    @Override
    public SystemReduceFn<K, AccumT, ?, OutputT, BoundedWindow> create() {
      GlobalCombineFn<AccumT, AccumT, OutputT> merge = new MergeAccumulatorsFn<>(fn, accumCoder);
      AppliedCombineFn<K, AccumT, AccumT, OutputT> applied =
          AppliedCombineFn.withInputCoder(
              merge, CoderRegistry.createDefault(), KvCoder.of(keyCoder, accumCoder));
      return SystemReduceFn.combining(keyCoder, applied);
    }
  }

  /** A CombineFn over accumulators: adding an accumulator merges it. */
  static final class MergeAccumulatorsFn<AccumT, OutputT>
      extends Combine.CombineFn<AccumT, AccumT, OutputT> {
    private final Combine.CombineFn<?, AccumT, OutputT> fn;
    private final Coder<AccumT> accumCoder;

    MergeAccumulatorsFn(Combine.CombineFn<?, AccumT, OutputT> fn, Coder<AccumT> accumCoder) {
      this.fn = fn;
      this.accumCoder = accumCoder;
    }

    @Override
    public AccumT createAccumulator() {
      return fn.createAccumulator();
    }

    @Override
    public AccumT addInput(AccumT accumulator, AccumT input) {
      return fn.mergeAccumulators(List.of(accumulator, input));
    }

    @Override
    public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
      return fn.mergeAccumulators(accumulators);
    }

    @Override
    public OutputT extractOutput(AccumT accumulator) {
      return fn.extractOutput(accumulator);
    }

    @Override
    public AccumT compact(AccumT accumulator) {
      return fn.compact(accumulator);
    }

    @Override
    public Coder<AccumT> getAccumulatorCoder(CoderRegistry registry, Coder<AccumT> inputCoder) {
      return accumCoder;
    }
  }
}
