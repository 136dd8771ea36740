package org.beamsamza.runner;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

/**
 * Splittable DoFns end to end: bounded sources read through Beam's SDF wrapper with {@code
 * --experiments=use_sdf_read}, and an SDF whose resume delays outlive its input (the stage must not
 * end, nor fire the resumes early, when the input ends).
 */
public class SplittableDoFnPipelineTest {
  private static final long RESUME_DELAY_MS = 200;

  @Rule public final transient TestPipeline testPipeline = TestPipeline.fromOptions(options());

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(2);
    options.as(ExperimentalOptions.class).setExperiments(new ArrayList<>(List.of("use_sdf_read")));
    return options;
  }

  @Test
  public void boundedReadThroughTheSdfWrapperReadsEveryElementOnce() {
    Pipeline p = testPipeline;
    // More than one checkpoint's worth (10,000 outputs) of elements.
    PCollection<Long> sum = p.apply(GenerateSequence.from(0).to(25_000)).apply(Sum.longsGlobally());
    PAssert.thatSingleton(sum).isEqualTo(25_000L * 24_999 / 2);
    p.run();
  }

  /** Outputs one offset per call, with the wall time of the call, then resumes after a delay. */
  @DoFn.BoundedPerElement
  static final class SlowCount extends DoFn<String, KV<String, Long>> {
    @ProcessElement
    public ProcessContinuation process(
        @Element String element,
        RestrictionTracker<OffsetRange, Long> tracker,
        OutputReceiver<KV<String, Long>> out) {
      long i = tracker.currentRestriction().getFrom();
      if (!tracker.tryClaim(i)) {
        return ProcessContinuation.stop();
      }
      out.output(KV.of(element, System.currentTimeMillis()));
      return ProcessContinuation.resume().withResumeDelay(Duration.millis(RESUME_DELAY_MS));
    }

    @GetInitialRestriction
    public OffsetRange initial(@Element String element) {
      return new OffsetRange(0, 4);
    }
  }

  @Test
  public void resumeDelaysAreHonouredAfterTheInputEndedAndTheJobEndsWhenNoRestrictionIsLeft() {
    Pipeline p = testPipeline;
    PCollection<KV<String, Iterable<Long>>> calls =
        p.apply(Create.of("a", "b")).apply(ParDo.of(new SlowCount())).apply(GroupByKey.create());
    PAssert.that(calls)
        .satisfies(
            groups -> {
              int n = 0;
              for (KV<String, Iterable<Long>> group : groups) {
                List<Long> times = new ArrayList<>();
                group.getValue().forEach(times::add);
                assertEquals(group.getKey(), 4, times.size());
                times.sort(Long::compare);
                for (int i = 1; i < times.size(); i++) {
                  assertTrue(
                      group.getKey() + " resumed early: " + times,
                      times.get(i) - times.get(i - 1) >= RESUME_DELAY_MS);
                }
                n++;
              }
              assertEquals(2, n);
              return null;
            });
    p.run();
  }
}
