package org.beamsamza.runner.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.beamsamza.runner.PlanSerialization;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.job.StoreDirectory;
import org.beamsamza.translation.PipelineTranslator;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.joda.time.Duration;
import org.junit.Test;

/**
 * A streaming pipeline of our own: an unbounded source at a fixed rate, fixed one-second windows, a
 * count per window. It runs until cancelled, its results are read while it runs, and a restart on
 * the same streams and checkpoints loses no window.
 */
public class StreamingPipelineTest {
  private static final long ELEMENTS_PER_WINDOW = 1000 / RateSource.MILLIS_PER_ELEMENT;

  /** Window start millis -> counts seen, per test run id. */
  private static final Map<String, Queue<KV<Long, Long>>> RESULTS = new ConcurrentHashMap<>();

  private static final class Record extends DoFn<KV<String, Long>, Void> {
    private final String id;

    Record(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element KV<String, Long> count, BoundedWindow window) {
      RESULTS
          .computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>())
          .add(KV.of(((IntervalWindow) window).start().getMillis(), count.getValue()));
    }
  }

  private static Pipeline countPerWindow(SamzaPipelineOptions options, String id) {
    Pipeline p = Pipeline.create(options);
    p.apply(Read.from(new RateSource(id, 2)))
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
        .apply(WithKeys.of("all"))
        .apply(Count.perKey())
        .apply(ParDo.of(new Record(id)));
    return p;
  }

  private static SamzaPipelineOptions options(String... args) {
    SamzaPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args).as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    return options;
  }

  @Test
  public void runsUntilCancelledAndARestartOnTheCheckpointsLosesNoWindow() throws Exception {
    String id = UUID.randomUUID().toString();
    RateSource.Control control = RateSource.control(id);
    Path storeDir = Files.createTempDirectory("streaming-test-stores-");
    try {
      SamzaPipelineOptions options =
          options("--streaming", "--parallelism=2", "--commitMs=100", "--stateChangelog=true");
      assertTrue(options.as(StreamingOptions.class).isStreaming());
      options.setStoreBaseDir(storeDir.toString());
      Pipeline p = countPerWindow(options, id);
      MetricsEnvironment.setMetricsSupported(true);
      PipelineTranslator.prepare(p);
      ExecutionPlan plan =
          PipelineTranslator.translate(
              p, options, options.getParallelism(), new JobMetrics().shared());
      byte[] serialized = PlanSerialization.serialize(plan);
      LocalExecution.Environment environment = LocalExecution.Environment.fresh();

      // Run 1: unbounded. Results arrive while it runs; it does not end by itself.
      SamzaPipelineResult first =
          LocalExecution.start(plan, serialized, options, new JobMetrics(), environment);
      await(first, "three windows counted while running", () -> windows(id).size() >= 3);
      await(first, "a commit finalized a checkpoint mark", () -> !control.finalized.isEmpty());
      assertEquals(PipelineResult.State.RUNNING, first.getState());
      assertNull("still running: no final state", first.waitUntilFinish(Duration.millis(50)));
      assertEquals(PipelineResult.State.CANCELLED, first.cancel());
      long readInRun1 = control.emitted.get();

      // Run 2: the same job on the same streams and checkpoints, now with an end to its input.
      long windowsTotal = readInRun1 / ELEMENTS_PER_WINDOW + 3;
      control.limit.set(windowsTotal * ELEMENTS_PER_WINDOW);
      SamzaPipelineResult second =
          LocalExecution.start(plan, serialized, options, new JobMetrics(), environment);
      assertEquals(
          "the source reached the end of time: the job ends",
          PipelineResult.State.DONE,
          second.waitUntilFinish(Duration.standardMinutes(2)));

      assertThat(
          "run 2 resumed from a checkpoint mark", control.resumedFrom.size(), greaterThan(0));
      assertThat(control.resumedFrom.get(0), greaterThan(0L));
      Map<Long, Long> counts = windows(id);
      for (long w = 0; w < windowsTotal; w++) {
        Long count = counts.get(w * 1000);
        if (count == null) {
          fail("window " + w + " lost; results " + counts);
        }
        // At least once: a window may count an element twice, never miss one.
        assertThat("window " + w, count, greaterThanOrEqualTo(ELEMENTS_PER_WINDOW));
      }
      assertEquals("no window beyond the input", windowsTotal, counts.size());
    } finally {
      StoreDirectory.deleteRecursively(storeDir);
    }
  }

  private static final class FailAt20 extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long i) {
      if (i == 20) {
        throw new IllegalStateException("element 20 is bad");
      }
    }
  }

  @Test
  public void aUserExceptionFailsAStreamingJob() {
    String id = UUID.randomUUID().toString();
    SamzaPipelineOptions options = options("--streaming");
    Pipeline p = Pipeline.create(options);
    p.apply(Read.from(new RateSource(id, 1))).apply(ParDo.of(new FailAt20()));
    PipelineResult result = p.run();
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, result::waitUntilFinish);
    assertThat(e.getCause(), instanceOf(IllegalStateException.class));
    assertEquals("element 20 is bad", e.getCause().getMessage());
    assertEquals(PipelineResult.State.FAILED, result.getState());
  }

  /** The largest count seen per window start (a restart may emit a window twice). */
  private static Map<Long, Long> windows(String id) {
    Map<Long, Long> counts = new TreeMap<>();
    for (KV<Long, Long> r : RESULTS.getOrDefault(id, new ConcurrentLinkedQueue<>())) {
      counts.merge(r.getKey(), r.getValue(), Math::max);
    }
    return counts;
  }

  /** Waits for a condition; fails at once if the job ended, and after 2 minutes (a hang). */
  private static void await(PipelineResult job, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (!condition.getAsBoolean()) {
      if (job.getState() != PipelineResult.State.RUNNING) {
        fail("job ended (" + job.getState() + ") before: " + what);
      }
      if (System.currentTimeMillis() > deadline) {
        fail("not reached in 2 minutes: " + what);
      }
      Thread.sleep(10);
    }
  }
}
