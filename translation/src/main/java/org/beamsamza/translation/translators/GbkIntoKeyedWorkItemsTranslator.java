package org.beamsamza.translation.translators;

import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;

/**
 * The keyed exchange in front of a splittable DoFn's {@code ProcessElements}. Its output (keyed
 * work items) exists only in Beam's graph: here the exchange is the repartition stream by key that
 * the keyed operator consuming it reads ({@link SplittableProcessTranslator} declares it, and the
 * stage planner cuts a stage there as for a stateful ParDo). So this step only makes its output
 * another name of its input, whose KV elements the stream carries.
 */
public final class GbkIntoKeyedWorkItemsTranslator
    implements TransformTranslator<SplittableParDoViaKeyedWorkItems.GBKIntoKeyedWorkItems<?, ?>> {
  @Override
  public void translate(
      SplittableParDoViaKeyedWorkItems.GBKIntoKeyedWorkItems<?, ?> transform,
      TranslationContext context) {
    var application = context.currentApplication();
    PCollection<?> input = (PCollection<?>) application.getInputs().values().iterator().next();
    PCollection<?> output = (PCollection<?>) application.getOutputs().values().iterator().next();
    context.alias(output, input);
  }
}
