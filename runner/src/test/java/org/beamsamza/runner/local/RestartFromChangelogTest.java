package org.beamsamza.runner.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.PlanSerialization;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.translation.PipelineTranslator;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.joda.time.Duration;
import org.junit.Test;

/**
 * A stateful job killed halfway (no final commit, no clean close) and started again on the same
 * streams and checkpoints, with its local stores deleted as if its host were gone: the second run
 * restores state and pending timers from the changelogs, reads on from the checkpoints, and the
 * per-key results the end-of-window timers emit equal what plain Java computes. The state is a set
 * (idempotent), because after a restart input since the last checkpoint is processed again
 * (at-least-once).
 */
public class RestartFromChangelogTest implements java.io.Serializable {
  static final int KEYS = 100;
  static final long ELEMENTS = 200_000;

  /** Collects each key's values in a set; when the window expires, emits (size, sum). */
  static final class DistinctSum extends DoFn<KV<Long, Long>, KV<Long, KV<Long, Long>>> {
    private final Counter processed = Metrics.counter(RestartFromChangelogTest.class, "processed");

    @StateId("seen")
    private final StateSpec<SetState<Long>> seenSpec = StateSpecs.set(VarLongCoder.of());

    @ProcessElement
    public void process(@Element KV<Long, Long> e, @StateId("seen") SetState<Long> seen) {
      seen.add(e.getValue());
      processed.inc();
    }

    @OnWindowExpiration
    public void expire(
        @Key Long key,
        @StateId("seen") SetState<Long> seen,
        OutputReceiver<KV<Long, KV<Long, Long>>> out) {
      long n = 0;
      long sum = 0;
      for (long v : seen.read()) {
        n++;
        sum += v;
      }
      out.output(KV.of(key, KV.of(n, sum)));
    }
  }

  @Test
  public void killedJobResumesFromChangelogsAndCheckpoints() throws Exception {
    Path storeDir = Files.createTempDirectory("restart-test-stores-");
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(2);
    options.setStateChangelog(true);
    options.setStoreBaseDir(storeDir.toString());
    options.setCommitMs(50);
    options.setBundleSize(100);

    Pipeline p = Pipeline.create(options);
    PCollection<KV<Long, KV<Long, Long>>> results =
        p.apply(GenerateSequence.from(0).to(ELEMENTS))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(i -> KV.of(i % KEYS, i)))
            .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
            .apply(ParDo.of(new DistinctSum()));
    List<KV<Long, KV<Long, Long>>> expected = new ArrayList<>();
    for (long k = 0; k < KEYS; k++) {
      long n = 0;
      long sum = 0;
      for (long i = k; i < ELEMENTS; i += KEYS) {
        n++;
        sum += i;
      }
      expected.add(KV.of(k, KV.of(n, sum)));
    }
    PAssert.that(results).containsInAnyOrder(expected);

    MetricsEnvironment.setMetricsSupported(true);
    PipelineTranslator.prepare(p);
    MetricsContainerStepMap firstMetrics = new MetricsContainerStepMap();
    ExecutionPlan plan =
        PipelineTranslator.translate(p, options, options.getParallelism(), firstMetrics);
    byte[] serialized = PlanSerialization.serialize(plan);
    LocalExecution.Environment environment = LocalExecution.Environment.fresh();

    // Run 1: kill it once a good part of the input reached the stateful step.
    SamzaPipelineResult first =
        LocalExecution.start(plan, serialized, options, firstMetrics, environment);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (processed(first) < ELEMENTS / 3) {
      assertThat("run 1 made no progress", System.nanoTime(), lessThan(deadline));
      assertThat(
          "run 1 finished before it could be killed",
          first.getState(),
          equalTo(PipelineResult.State.RUNNING));
      Thread.sleep(5);
    }
    first.cancel();
    long processedBeforeKill = processed(first);
    assertThat(processedBeforeKill, lessThan(ELEMENTS));
    assertThat(
        environment.checkpoints()
                instanceof org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager cm
            ? cm.getCheckpoints().size()
            : 0,
        greaterThan(0));
    // The host is gone: only the changelogs are left.
    StoreDirectory.deleteRecursively(storeDir);

    // Run 2: same plan, streams and checkpoints.
    MetricsContainerStepMap secondMetrics = new MetricsContainerStepMap();
    SamzaPipelineResult second =
        LocalExecution.start(plan, serialized, options, secondMetrics, environment);
    assertThat(
        second.waitUntilFinish(Duration.standardMinutes(3)), equalTo(PipelineResult.State.DONE));
    // PAssert's check ran (and passed, or the job would have failed) in run 2.
    assertThat(counter(second, PAssert.SUCCESS_COUNTER), greaterThanOrEqualTo(1L));
    // Run 2 did not start from scratch: it read on from the checkpoints (replaying at most what
    // came after them), so it processed fewer elements than the whole input.
    assertThat(processed(second), lessThan(ELEMENTS));
    System.out.printf(
        "restart test: run 1 processed %d, run 2 processed %d of %d%n",
        processedBeforeKill, processed(second), ELEMENTS);
    StoreDirectory.deleteRecursively(storeDir);
  }

  private static long processed(SamzaPipelineResult result) {
    return counter(result, "processed");
  }

  private static long counter(SamzaPipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(
                        MetricNameFilter.named(
                            name.equals("processed")
                                ? RestartFromChangelogTest.class.getName()
                                : PAssert.class.getName(),
                            name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
