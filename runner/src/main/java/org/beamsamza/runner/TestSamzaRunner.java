package org.beamsamza.runner;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipelineOptions;
import org.joda.time.Duration;

/**
 * SamzaRunner for tests (TestPipeline, ValidatesRunner): runs the pipeline to completion and
 * rethrows a failed PAssert as the AssertionError it is. A failing container is not restarted
 * ({@code --containerRetryCount=0}, as Flink's test environment has no restart strategy): a test
 * pipeline whose user code throws must fail at once with that exception, not after the restarts a
 * production job would try (restarts are tested with {@link SamzaRunner} itself).
 */
public class TestSamzaRunner extends PipelineRunner<SamzaPipelineResult> {
  private final SamzaRunner delegate;
  private final Long timeoutSeconds;

  private TestSamzaRunner(SamzaPipelineOptions options) {
    options.setContainerRetryCount(0);
    this.delegate = SamzaRunner.fromOptions(options);
    this.timeoutSeconds = options.as(TestPipelineOptions.class).getTestTimeoutSeconds();
  }

  public static TestSamzaRunner fromOptions(PipelineOptions options) {
    return new TestSamzaRunner(options.as(SamzaPipelineOptions.class));
  }

  @Override
  public SamzaPipelineResult run(Pipeline pipeline) {
    SamzaPipelineResult result = delegate.run(pipeline);
    try {
      if (timeoutSeconds == null || timeoutSeconds <= 0) {
        result.waitUntilFinish();
      } else if (result.waitUntilFinish(Duration.standardSeconds(timeoutSeconds)) == null) {
        // A stuck pipeline fails its own test rather than the whole test class's time budget.
        result.cancel();
        throw new AssertionError(
            "Pipeline did not finish within --testTimeoutSeconds="
                + timeoutSeconds
                + "; cancelled");
      }
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
