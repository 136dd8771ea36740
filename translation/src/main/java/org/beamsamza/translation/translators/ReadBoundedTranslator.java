package org.beamsamza.translation.translators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;

/**
 * Read of a bounded source: split once on the client into about {@code parallelism} bundles, and
 * the splits dealt round-robin into at most {@code parallelism} partitions of a source stream.
 */
public final class ReadBoundedTranslator implements TransformTranslator<PTransform<?, ?>> {
  @Override
  public void translate(PTransform<?, ?> transform, TranslationContext context) {
    // The Read URN also names other reads; unbounded ones arrive as
    // SplittableParDo.PrimitiveUnboundedRead (ReadUnboundedTranslator, registered by class).
    if (!(transform instanceof SplittableParDo.PrimitiveBoundedRead<?> read)) {
      context.unsupported(
          "Read ("
              + transform.getClass().getName()
              + ") is not supported by SamzaRunner; only primitive bounded and unbounded reads"
              + " run");
      return;
    }
    BoundedSource<?> source = read.getSource();
    PCollection<?> output =
        (PCollection<?>) context.currentApplication().getOutputs().values().iterator().next();
    context.addSource(partitions(source, context), output);
  }

  static List<List<BoundedSource<?>>> partitions(
      BoundedSource<?> source, TranslationContext context) {
    int parallelism = context.parallelism();
    List<? extends BoundedSource<?>> splits;
    // Sources may report metrics while they estimate and split (on the client, now).
    MetricsContainer previous =
        MetricsEnvironment.setCurrentContainer(context.currentStepMetrics());
    try {
      long size = source.getEstimatedSizeBytes(context.options());
      long desired = Math.max(1, size / parallelism);
      splits = parallelism > 1 ? source.split(desired, context.options()) : List.of(source);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not split the source of " + context.currentStepName() + ": " + e.getMessage(), e);
    } finally {
      MetricsEnvironment.setCurrentContainer(previous);
    }
    if (splits.isEmpty()) {
      splits = List.of(source);
    }
    int count = Math.min(parallelism, splits.size());
    List<List<BoundedSource<?>>> partitions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      partitions.add(new ArrayList<>());
    }
    for (int i = 0; i < splits.size(); i++) {
      partitions.get(i % count).add(splits.get(i));
    }
    return partitions;
  }
}
