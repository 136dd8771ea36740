package org.beamsamza.translation.translators;

import java.util.Map;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.PassThroughOperator;

/**
 * Reshuffle (by key): the repartition stream is the whole transform. Elements keep their value,
 * timestamp, windows and pane; no grouping happens. (Reshuffle.viaRandomKey assigns random keys and
 * then applies this.)
 */
public final class ReshuffleTranslator implements TransformTranslator<PTransform<?, ?>> {
  @Override
  public boolean canTranslate(PTransform<?, ?> transform, TranslationContext context) {
    var application = context.currentApplication();
    if (application.getInputs().size() != 1) {
      return false;
    }
    Object input = application.getInputs().values().iterator().next();
    return input instanceof PCollection<?> pc
        && pc.getCoder() instanceof org.apache.beam.sdk.coders.KvCoder;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void translate(PTransform<?, ?> transform, TranslationContext context) {
    var application = context.currentApplication();
    PCollection<KV<?, ?>> input =
        (PCollection<KV<?, ?>>) application.getInputs().values().iterator().next();
    PCollection<?> output = (PCollection<?>) application.getOutputs().values().iterator().next();
    TupleTag<?> tag = new TupleTag<>("reshuffled");
    context.addKeyedNode(
        context.currentStepName(),
        new PassThroughOperator.Spec(tag),
        context.keyedInput(input),
        Map.of(tag, context.idOf(output)));
  }
}
