package org.beamsamza.translation.translators;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.operators.AssignWindowsOperator;

/**
 * Window.into: window assignment fused into the stage (triggers only change the downstream GBK).
 */
public final class WindowAssignTranslator implements TransformTranslator<Window.Assign<?>> {
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void translate(Window.Assign<?> transform, TranslationContext context) {
    var application = context.currentApplication();
    PCollection<?> input = (PCollection<?>) application.getInputs().values().iterator().next();
    PCollection<?> output = (PCollection<?>) application.getOutputs().values().iterator().next();
    WindowFn<?, ?> windowFn = transform.getWindowFn();
    if (windowFn == null) {
      context.alias(output, input);
      return;
    }
    TupleTag<?> tag = new TupleTag<>("windowed");
    context.addNode(
        new AssignWindowsOperator.Spec((WindowFn<Object, BoundedWindow>) windowFn, (TupleTag) tag),
        List.of(context.idOf(input)),
        Map.of(tag, context.idOf(output)),
        List.of());
  }
}
