package org.beamsamza.translation.translators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.plan.TestStreamSpec;

/**
 * TestStream ({@code beam:transform:teststream:v1}): a source stream of one partition that replays
 * the script (elements, watermark advances, processing-time advances) one event at a time, each
 * only once the job has processed everything before it (see {@code source.TestStreamSystem}).
 *
 * <p>That "only once" is what makes the tests deterministic, and it holds only if nothing else
 * feeds the job on its own schedule: a pipeline that also reads an unbounded source is rejected
 * here, naming both steps.
 */
public final class TestStreamTranslator implements TransformTranslator<PTransform<?, ?>> {
  @Override
  public void translate(PTransform<?, ?> transform, TranslationContext context) {
    TestStream<?> testStream = (TestStream<?>) transform;
    PCollection<?> output =
        (PCollection<?>) context.currentApplication().getOutputs().values().iterator().next();
    for (String source : otherUnboundedSources(context.currentApplication().getPipeline())) {
      context.unsupported(
          "a TestStream cannot run together with the unbounded source "
              + source
              + ": the TestStream releases each event once the job is quiescent, which an"
              + " unbounded source that produces on its own schedule never lets it be");
    }
    context.addTestStream(TestStreamSpec.of(context.currentStepName(), testStream), output);
  }

  /** Root primitives other than TestStreams whose output is unbounded. */
  private static List<String> otherUnboundedSources(Pipeline pipeline) {
    List<String> found = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (node.getTransform() instanceof TestStream || !node.getInputs().isEmpty()) {
              return;
            }
            for (PValue out : node.getOutputs().values()) {
              if (out instanceof PCollection<?> pc
                  && pc.isBounded() == PCollection.IsBounded.UNBOUNDED) {
                found.add(node.getFullName());
                return;
              }
            }
          }
        });
    return found;
  }
}
