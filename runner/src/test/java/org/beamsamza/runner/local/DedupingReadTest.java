package org.beamsamza.runner.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.runner.PlanSerialization;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.TestSamzaRunner;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.StoreDirectory;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.translation.PipelineTranslator;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

/**
 * Unbounded sources that {@code requiresDeduping()}: the read emits each record id's element once,
 * whether the source delivers it twice in one poll batch, in two batches, in two splits, or again
 * after a restart on the same checkpoints (the ids seen live in the task store and its changelog).
 */
public class DedupingReadTest implements Serializable {
  @Rule public final transient TestPipeline p = TestPipeline.fromOptions(testOptions());

  private static SamzaPipelineOptions testOptions() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(2);
    return options;
  }

  private static List<Long> longs(long... values) {
    return LongStream.of(values).boxed().toList();
  }

  @Test
  public void recordsDeliveredTwiceInABatchAcrossBatchesAndAcrossSplitsAreEmittedOnce() {
    String id = UUID.randomUUID().toString();
    // Bursts of 3 make the poll batches: split 0 reads [0 1 2] [3 4 5] [3 6 7] [8 8 7] [9]
    // (3 and 7 again in a later batch, 8 twice in one); split 1 reads [10 11 5] [12 0 13]
    // [14 14 11] (5 and 0 are split 0's records, 14 twice in one batch, 11 in a later batch).
    List<List<Long>> scripts =
        List.of(
            longs(0, 1, 2, 3, 4, 5, 3, 6, 7, 8, 8, 7, 9), longs(10, 11, 5, 12, 0, 13, 14, 14, 11));
    PCollection<Long> read = p.apply(Read.from(new RedeliveringSource(id, scripts, 3, 0)));
    PAssert.that(read).containsInAnyOrder(LongStream.range(0, 15).boxed().toList());
    p.run().waitUntilFinish();
    assertEquals(
        "the source did deliver the duplicates",
        22,
        RedeliveringSource.control(id).delivered.get());
  }

  /**
   * With {@code use_sdf_read} the ids are read through Beam's splittable-DoFn expansion, and
   * deduplicated by our composite (Beam 2.70's expansion drops its own deduplicated output).
   */
  @Test
  public void theSplittableDoFnReadDeduplicatesToo() {
    String id = UUID.randomUUID().toString();
    SamzaPipelineOptions options = testOptions();
    options
        .as(org.apache.beam.sdk.options.ExperimentalOptions.class)
        .setExperiments(List.of("use_sdf_read"));
    Pipeline pipeline = Pipeline.create(options);
    List<List<Long>> scripts = List.of(longs(0, 1, 2, 1, 3, 0), longs(4, 2, 5, 5));
    PCollection<Long> read = pipeline.apply(Read.from(new RedeliveringSource(id, scripts, 2, 0)));
    PAssert.that(read).containsInAnyOrder(LongStream.range(0, 6).boxed().toList());
    pipeline.run().waitUntilFinish();
    assertEquals(10, RedeliveringSource.control(id).delivered.get());
  }

  /** Values the sink saw, per test run id. */
  private static final Map<String, Queue<Long>> SEEN = new ConcurrentHashMap<>();

  private static final class Sink extends DoFn<Long, Void> {
    private final String id;

    Sink(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element Long value) {
      SEEN.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).add(value);
    }
  }

  /** How many times the sink saw each value. */
  private static Map<Long, Long> seen(String id) {
    return SEEN.getOrDefault(id, new ConcurrentLinkedQueue<>()).stream()
        .collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
  }

  private static final long PAUSE = 500;
  private static final long LIMIT = 1000;
  private static final int REDELIVER = 25;

  /**
   * Run 1 reads records 0..499 (in poll batches of 7, so checkpoints fall inside batches), pauses,
   * commits everything and is cancelled; its stores are deleted. Run 2 starts on the same streams
   * and checkpoints: the source resumes from its last checkpoint mark 25 records early (lost
   * acknowledgements) plus whatever the batch re-read adds, and reads on to 999. The sink sees each
   * record once: the redelivered ids are in the restored dedupe state.
   */
  @Test
  public void aRestartOnTheSameCheckpointsEmitsRedeliveredRecordsOnce() throws Exception {
    String id = UUID.randomUUID().toString();
    RedeliveringSource.Control control = RedeliveringSource.control(id);
    control.pauseAt.set(PAUSE);
    Path storeDir = Files.createTempDirectory("dedupe-test-stores-");
    try {
      SamzaPipelineOptions options =
          PipelineOptionsFactory.fromArgs(
                  "--streaming", "--parallelism=2", "--commitMs=50", "--stateChangelog=true")
              .as(SamzaPipelineOptions.class);
      options.setRunner(SamzaRunner.class);
      options.setStoreBaseDir(storeDir.toString());
      Pipeline pipeline = Pipeline.create(options);
      pipeline
          .apply(Read.from(new RedeliveringSource(id, null, 7, REDELIVER)))
          .apply(ParDo.of(new Sink(id)));
      MetricsEnvironment.setMetricsSupported(true);
      PipelineTranslator.prepare(pipeline);
      ExecutionPlan plan =
          PipelineTranslator.translate(
              pipeline, options, options.getParallelism(), new JobMetrics().shared());
      byte[] serialized = PlanSerialization.serialize(plan);
      LocalExecution.Environment environment = LocalExecution.Environment.fresh();
      InMemoryCheckpointManager checkpoints = (InMemoryCheckpointManager) environment.checkpoints();
      List<TaskModel> tasks = new ArrayList<>();
      for (ContainerModel c :
          JobModelPlanner.plan(JobAssembly.stageSpecs(plan), options.getContainers())
              .getContainers()
              .values()) {
        tasks.addAll(c.getTasks().values());
      }

      SamzaPipelineResult first =
          LocalExecution.start(plan, serialized, options, new JobMetrics(), environment);
      await(first, "the sink saw the records before the pause", () -> seen(id).size() == PAUSE);
      await(
          first,
          "the source's checkpoint covers the records before the pause",
          () -> control.finalized.contains(PAUSE));
      await(
          first,
          "every task committed all it was sent",
          () -> RestartFromChangelogTest.everythingCommitted(tasks, checkpoints, environment));
      assertEquals(PipelineResult.State.CANCELLED, first.cancel());
      assertOnce(id, PAUSE);
      StoreDirectory.deleteRecursively(storeDir); // only the changelogs are left

      control.pauseAt.set(Long.MAX_VALUE);
      control.limit.set(LIMIT);
      long deliveredInRun1 = control.delivered.get();
      SamzaPipelineResult second =
          LocalExecution.start(plan, serialized, options, new JobMetrics(), environment);
      assertEquals(PipelineResult.State.DONE, second.waitUntilFinish(Duration.standardMinutes(2)));

      assertThat("run 2 resumed from the pause's mark", control.resumedFrom, hasItem(PAUSE));
      assertThat(
          "the source delivered records again in run 2",
          control.delivered.get() - deliveredInRun1,
          equalTo(LIMIT - PAUSE + REDELIVER));
      assertOnce(id, LIMIT);
    } finally {
      StoreDirectory.deleteRecursively(storeDir);
    }
  }

  private static void assertOnce(String id, long count) {
    Map<Long, Long> seen = seen(id);
    Map<Long, Long> duplicates = new TreeMap<>();
    seen.forEach(
        (v, n) -> {
          if (n != 1) {
            duplicates.put(v, n);
          }
        });
    assertEquals("values seen more than once: " + duplicates, Map.of(), duplicates);
    assertEquals(LongStream.range(0, count).boxed().toList(), new ArrayList<>(seen.keySet()));
  }

  /** Polls a condition while the job runs; fails at once if it ended. */
  private static void await(PipelineResult job, String what, BooleanSupplier condition)
      throws InterruptedException {
    RestartTestSupport.awaitCondition(
        what,
        () -> {
          if (job.getState() != PipelineResult.State.RUNNING) {
            fail("job ended (" + job.getState() + ") before: " + what);
          }
          return condition.getAsBoolean();
        });
  }
}
