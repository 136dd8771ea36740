package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;

public class SmokeTest {
  /** Its run() checks that every PAssert succeeded, so a PAssert that never ran fails the test. */
  @Rule public final transient TestPipeline testPipeline = TestPipeline.fromOptions(options());

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(2);
    return options;
  }

  private Pipeline pipeline() {
    return testPipeline;
  }

  @Test
  public void countsWords() {
    Pipeline p = pipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(Create.of(Arrays.asList("a", "b", "a", "c", "a", "b"))).apply(Count.perElement());
    PAssert.that(counts).containsInAnyOrder(KV.of("a", 3L), KV.of("b", 2L), KV.of("c", 1L));
    p.run();
  }

  @Test
  public void failedAssertionIsAnAssertionError() {
    Pipeline p = pipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(Create.of(Arrays.asList("a", "b", "a"))).apply(Count.perElement());
    PAssert.that(counts).containsInAnyOrder(KV.of("a", 3L), KV.of("b", 1L));
    AssertionError e = assertThrows(AssertionError.class, p::run);
    assertThat(e.getMessage(), containsString("KV{a, 2}"));
  }
}
