package org.beamsamza.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * SamzaRunner for tests (TestPipeline, ValidatesRunner): runs the pipeline to completion and
 * rethrows a failed PAssert as the AssertionError it is.
 */
public class TestSamzaRunner extends PipelineRunner<SamzaPipelineResult> {
  private final SamzaRunner delegate;

  private TestSamzaRunner(SamzaPipelineOptions options) {
    this.delegate = SamzaRunner.fromOptions(options);
  }

  public static TestSamzaRunner fromOptions(PipelineOptions options) {
    return new TestSamzaRunner(options.as(SamzaPipelineOptions.class));
  }

  @Override
  public SamzaPipelineResult run(Pipeline pipeline) {
    SamzaPipelineResult result = delegate.run(pipeline);
    try {
      result.waitUntilFinish();
    } catch (Pipeline.PipelineExecutionException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof AssertionError assertion) {
          throw assertion;
        }
      }
      throw e;
    }
    return result;
  }
}
