package org.beamsamza.translation.translators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;

/**
 * Read of an unbounded source ({@link SplittableParDo.PrimitiveUnboundedRead}, what {@code
 * PipelineTranslator.prepare} turns an unbounded {@code Read} into): split once on the client into
 * {@code parallelism} splits, one per partition of an unbounded source stream; a source that
 * returns more splits gets several per partition (dealt round robin), read together by that
 * partition's task. See {@code UnboundedSourceSystem} for how they are read and checkpointed. A
 * source that requires deduping arrives here wrapped by {@code DedupingUnboundedRead} (its reads
 * carry record ids, deduplicated downstream); other sources are read as they are.
 */
public final class ReadUnboundedTranslator implements TransformTranslator<PTransform<?, ?>> {
  @Override
  public void translate(PTransform<?, ?> transform, TranslationContext context) {
    UnboundedSource<?, ?> source =
        ((SplittableParDo.PrimitiveUnboundedRead<?>) transform).getSource();
    if (source.requiresDeduping()) {
      // SamzaTransformOverrides rewrites such reads (DedupingUnboundedRead) before translation.
      throw new IllegalStateException(
          "unbounded source "
              + source.getClass().getName()
              + " requires deduplication by record id but reached translation without"
              + " PipelineTranslator.prepare's rewrite (DedupingUnboundedRead)");
    }
    PCollection<?> output =
        (PCollection<?>) context.currentApplication().getOutputs().values().iterator().next();
    context.addUnboundedSource(partitions(source, context), output);
  }

  static List<List<UnboundedSource<?, ?>>> partitions(
      UnboundedSource<?, ?> source, TranslationContext context) {
    int parallelism = context.parallelism();
    List<? extends UnboundedSource<?, ?>> splits;
    // Sources may report metrics while they split (on the client, now).
    MetricsContainer previous =
        MetricsEnvironment.setCurrentContainer(context.currentStepMetrics());
    try {
      splits = source.split(parallelism, context.options());
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not split the unbounded source of "
              + context.currentStepName()
              + ": "
              + e.getMessage(),
          e);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
    if (splits == null || splits.isEmpty()) {
      splits = List.of(source);
    }
    int count = Math.min(parallelism, splits.size());
    List<List<UnboundedSource<?, ?>>> partitions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      partitions.add(new ArrayList<>());
    }
    for (int i = 0; i < splits.size(); i++) {
      partitions.get(i % count).add(splits.get(i));
    }
    return partitions;
  }
}
