package org.beamsamza.translation.translators;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.PassThroughOperator;
import org.beamsamza.translation.source.ImpulseSource;

/**
 * Flatten: one pass-through operator reading every input (an input listed twice is read twice, as
 * Beam requires); its watermark is the minimum of its inputs'. With no input at all it is an empty,
 * already finished source.
 */
public final class FlattenTranslator implements TransformTranslator<Flatten.PCollections<?>> {
  @Override
  public void translate(Flatten.PCollections<?> transform, TranslationContext context) {
    var application = context.currentApplication();
    PCollection<?> output = (PCollection<?>) application.getOutputs().values().iterator().next();
    List<String> inputs = new ArrayList<>();
    for (PValue input : application.getInputs().values()) {
      inputs.add(context.idOf((PCollection<?>) input));
    }
    if (inputs.isEmpty()) {
      context.addSource(List.of(List.of(ImpulseSource.empty())), output);
      return;
    }
    TupleTag<?> tag = new TupleTag<>("flattened");
    context.addNode(
        new PassThroughOperator.Spec(tag), inputs, Map.of(tag, context.idOf(output)), List.of());
  }
}
