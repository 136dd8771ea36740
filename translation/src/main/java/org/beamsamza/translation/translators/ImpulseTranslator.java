package org.beamsamza.translation.translators;

import java.util.List;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.source.ImpulseSource;

/** Impulse: a one-partition source of a single empty byte array. */
public final class ImpulseTranslator implements TransformTranslator<Impulse> {
  @Override
  public void translate(Impulse transform, TranslationContext context) {
    PCollection<?> output =
        (PCollection<?>) context.currentApplication().getOutputs().values().iterator().next();
    context.addSource(List.of(List.of(ImpulseSource.impulse())), output);
  }
}
