package org.beamsamza.translation.translators;

import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;

/**
 * CreatePCollectionView marks a PCollection as a view's contents; the broadcast to its readers is
 * wired by the stage planner from the ParDos that read the view. Its output is its input.
 */
public final class CreateViewTranslator
    implements TransformTranslator<View.CreatePCollectionView<?, ?>> {
  @Override
  public void translate(View.CreatePCollectionView<?, ?> transform, TranslationContext context) {
    var application = context.currentApplication();
    context.alias(
        (PCollection<?>) application.getOutputs().values().iterator().next(),
        (PCollection<?>) application.getInputs().values().iterator().next());
  }
}
