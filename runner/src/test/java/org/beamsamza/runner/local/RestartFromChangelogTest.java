package org.beamsamza.runner.local;

import static org.beamsamza.runner.local.RestartTestSupport.awaitWhileRunning;
import static org.beamsamza.runner.local.RestartTestSupport.cancelWhileHeld;
import static org.beamsamza.runner.local.RestartTestSupport.counter;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
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
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runner.job.StoreDirectory;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.PipelineTranslator;
import org.beamsamza.translation.metrics.JobMetrics;
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
 *
 * <p>Two kinds of keys. The <em>early</em> keys get all their input in the first {@link #EARLY_END}
 * elements, which run 1 processes and commits (state, and the end-of-window timer of
 * {@code @OnWindowExpiration}) before the kill; run 2 gives them no input at all, so their results
 * exist only if both their state and their timers were restored. The <em>late</em> keys get input
 * on both sides of the kill.
 *
 * <p>No race with the job's end: the source holds (blocks in a DoFn) at an element after the early
 * keys' input until the test has killed the job, so the kill always lands mid-job. Parallelism 1
 * (one source partition: an element's source offset is its number), each task in its own container
 * (a held source task blocks no other task).
 */
public class RestartFromChangelogTest implements java.io.Serializable {
  static final long ELEMENTS = 30_000;

  /** Elements [0, EARLY_END) go to the early keys, the rest to the late keys. */
  static final long EARLY_END = 5_000;

  static final int EARLY_KEYS = 10;
  static final int LATE_KEYS = 90;

  static long keyOf(long i) {
    return i < EARLY_END ? i % EARLY_KEYS : EARLY_KEYS + i % LATE_KEYS;
  }

  // The job runs in this JVM (LocalExecution), so the test steers the hold through statics.
  static volatile boolean holdArmed;
  static volatile boolean earlyInputCommitted;
  static volatile long heldAt = -1;
  static volatile CountDownLatch held = new CountDownLatch(1);
  static volatile CountDownLatch release = new CountDownLatch(1);

  /**
   * Passes elements on. Past the early keys' input it waits 1 ms per element until the test saw the
   * source commit that input (so the source's checkpoint is past it before the hold), then holds at
   * the next element until the test released it after the kill (or the kill interrupts it). Holds
   * once: run 2 passes everything.
   */
  static final class HoldAfterEarlyInput extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Long> out) throws InterruptedException {
      if (holdArmed && i >= EARLY_END) {
        if (!earlyInputCommitted) {
          Thread.sleep(1); // a throttle that lets the loop commit; the test waits for the commit
        } else {
          holdArmed = false;
          heldAt = i;
          held.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // killed: this element is replayed by run 2
          }
        }
      }
      out.output(i);
    }
  }

  /** Collects each key's values in a set; when the window expires, emits (size, sum). */
  static final class DistinctSum extends DoFn<KV<Long, Long>, KV<Long, KV<Long, Long>>> {
    private final Counter processed = Metrics.counter(RestartFromChangelogTest.class, "processed");
    private final Counter early = Metrics.counter(RestartFromChangelogTest.class, "early");

    @StateId("seen")
    private final StateSpec<SetState<Long>> seenSpec = StateSpecs.set(VarLongCoder.of());

    @ProcessElement
    public void process(@Element KV<Long, Long> e, @StateId("seen") SetState<Long> seen) {
      seen.add(e.getValue());
      processed.inc();
      if (e.getKey() < EARLY_KEYS) {
        early.inc();
      }
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
    holdArmed = true;
    earlyInputCommitted = false;
    heldAt = -1;
    held = new CountDownLatch(1);
    release = new CountDownLatch(1);
    Path storeDir = Files.createTempDirectory("restart-test-stores-");
    try {
      run(storeDir);
    } finally {
      holdArmed = false;
      release.countDown(); // never leave a container thread blocked
      StoreDirectory.deleteRecursively(storeDir);
    }
  }

  private void run(Path storeDir) throws Exception {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(1);
    options.setContainers(64); // one per task (the planner never makes more containers than tasks)
    options.setStateChangelog(true);
    options.setStoreBaseDir(storeDir.toString());
    options.setCommitMs(50);
    options.setBundleSize(100);

    Pipeline p = Pipeline.create(options);
    PCollection<KV<Long, KV<Long, Long>>> results =
        p.apply(GenerateSequence.from(0).to(ELEMENTS))
            .apply(ParDo.of(new HoldAfterEarlyInput()))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(i -> KV.of(keyOf(i), i)))
            .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
            .apply(ParDo.of(new DistinctSum()));
    // Plain Java, per key: how many values and their sum.
    long[] n = new long[EARLY_KEYS + LATE_KEYS];
    long[] sum = new long[EARLY_KEYS + LATE_KEYS];
    for (long i = 0; i < ELEMENTS; i++) {
      n[(int) keyOf(i)]++;
      sum[(int) keyOf(i)] += i;
    }
    List<KV<Long, KV<Long, Long>>> expected = new ArrayList<>();
    for (int k = 0; k < n.length; k++) {
      expected.add(KV.of((long) k, KV.of(n[k], sum[k])));
    }
    PAssert.that(results).containsInAnyOrder(expected);

    MetricsEnvironment.setMetricsSupported(true);
    PipelineTranslator.prepare(p);
    JobMetrics firstMetrics = new JobMetrics();
    ExecutionPlan plan =
        PipelineTranslator.translate(p, options, options.getParallelism(), firstMetrics.shared());
    byte[] serialized = PlanSerialization.serialize(plan);
    LocalExecution.Environment environment = LocalExecution.Environment.fresh();
    InMemoryCheckpointManager checkpoints = (InMemoryCheckpointManager) environment.checkpoints();
    List<TaskModel> tasks = new ArrayList<>();
    for (ContainerModel c :
        JobModelPlanner.plan(JobAssembly.stageSpecs(plan), options.getContainers())
            .getContainers()
            .values()) {
      assertThat("one task per container", c.getTasks().size(), equalTo(1));
      tasks.addAll(c.getTasks().values());
    }

    // Run 1: let the source commit past the early keys' input, hold it, wait until every task
    // committed all it was sent, kill.
    SamzaPipelineResult first =
        LocalExecution.start(plan, serialized, options, firstMetrics, environment);
    awaitWhileRunning(
        first,
        "the source committed the early keys' input",
        () -> sourceCommitted(tasks, checkpoints));
    earlyInputCommitted = true;
    awaitWhileRunning(first, "the source held", () -> held.getCount() == 0);
    awaitWhileRunning(
        first,
        "every element before the hold reached the stateful step",
        () -> counter(first, RestartFromChangelogTest.class, "processed") == heldAt);
    awaitWhileRunning(
        first,
        "every task committed all it was sent",
        () -> everythingCommitted(tasks, checkpoints, environment));
    assertThat(counter(first, RestartFromChangelogTest.class, "early"), equalTo(EARLY_END));

    cancelWhileHeld(first, release);
    // The host is gone: only the changelogs are left.
    StoreDirectory.deleteRecursively(storeDir);

    // Run 2: same plan, streams and checkpoints.
    JobMetrics secondMetrics = new JobMetrics();
    SamzaPipelineResult second =
        LocalExecution.start(plan, serialized, options, secondMetrics, environment);
    assertThat(
        second.waitUntilFinish(Duration.standardMinutes(3)), equalTo(PipelineResult.State.DONE));
    // The PAssert ran in run 2 and succeeded (a failure fails the run; a PAssert that never ran
    // fails here).
    TestPipeline.verifyPAssertsSucceeded(p, second);
    // The early keys got no input in run 2: their results come from restored state and timers.
    assertThat(counter(second, RestartFromChangelogTest.class, "early"), equalTo(0L));
    // Run 2 read on from the checkpoints: at most what came after them.
    assertThat(counter(second, RestartFromChangelogTest.class, "processed"), greaterThan(0L));
    assertThat(
        counter(second, RestartFromChangelogTest.class, "processed"),
        lessThanOrEqualTo(ELEMENTS - EARLY_END));
    System.out.printf(
        "restart test: run 1 held at element %d, run 2 processed %d of %d%n",
        heldAt, counter(second, RestartFromChangelogTest.class, "processed"), ELEMENTS);
  }

  /** The source task's checkpoint covers every element of the early keys (offset = element). */
  private static boolean sourceCommitted(
      List<TaskModel> tasks, InMemoryCheckpointManager checkpoints) {
    for (TaskModel t : tasks) {
      for (SystemStreamPartition ssp : t.getInputs()) {
        if (ssp.getSystem().equals(JobAssembly.SOURCE_SYSTEM)) {
          Checkpoint cp = checkpoints.readLastCheckpoint(t.getTaskName());
          String offset = cp == null ? null : cp.getOffsets().get(ssp);
          return offset != null && Long.parseLong(offset) >= EARLY_END - 1;
        }
      }
    }
    throw new AssertionError("no source task in " + tasks);
  }

  /** Every task's checkpoint covers everything on its intermediate-stream inputs. */
  static boolean everythingCommitted(
      List<TaskModel> tasks,
      InMemoryCheckpointManager checkpoints,
      LocalExecution.Environment environment) {
    for (TaskModel t : tasks) {
      Checkpoint cp = checkpoints.readLastCheckpoint(t.getTaskName());
      for (SystemStreamPartition ssp : t.getInputs()) {
        if (!ssp.getSystem().equals(JobStreams.INMEMORY)) {
          continue;
        }
        long next = environment.streams().getNextOffset(ssp);
        if (next == 0) {
          continue;
        }
        Map<SystemStreamPartition, String> offsets = cp == null ? Map.of() : cp.getOffsets();
        if (!Long.toString(next - 1).equals(offsets.get(ssp))) {
          return false;
        }
      }
    }
    return true;
  }
}
