package org.beamsamza.runner.local;

import static org.beamsamza.runner.local.RestartFromChangelogTest.everythingCommitted;
import static org.beamsamza.runner.local.RestartTestSupport.awaitWhileRunning;
import static org.beamsamza.runner.local.RestartTestSupport.cancelWhileHeld;
import static org.beamsamza.runner.local.RestartTestSupport.counter;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.beamsamza.runner.PlanSerialization;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.job.JobAssembly;
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
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Nothing a restart needs lives only on the heap (DESIGN decision 8), for a ParDo with a side
 * input: a job is killed, its local stores deleted, and started again on the same streams and
 * checkpoints.
 *
 * <ul>
 *   <li>Main-input elements pushed back (their side input not ready) when their offsets were
 *       checkpointed are processed after the restart: they were kept in the task store and came
 *       back through its changelog, since the source does not send them again.
 *   <li>A side input that was read and checkpointed before the kill is read again after it: the
 *       main input read on after its checkpoint still finds the side input ready.
 * </ul>
 *
 * Each task runs in its own container, so a DoFn the test holds blocks only its own task.
 */
public class SideInputRestartTest implements java.io.Serializable {
  static final long ELEMENTS = 3_000;
  static final long SIDE_VALUE = 1_000_000;

  // The job runs in this JVM, so the test steers it through statics.
  static volatile boolean holdArmed;
  static volatile boolean mayHold;
  static volatile long heldAt;
  static volatile CountDownLatch held;
  static volatile CountDownLatch release;

  private Path storeDir;

  @Before
  public void setUp() throws Exception {
    holdArmed = true;
    mayHold = false;
    heldAt = -1;
    held = new CountDownLatch(1);
    release = new CountDownLatch(1);
    storeDir = Files.createTempDirectory("side-input-restart-");
  }

  @After
  public void tearDown() {
    holdArmed = false;
    release.countDown(); // never leave a container thread blocked
    StoreDirectory.deleteRecursively(storeDir);
  }

  /** Counts main-input elements the source emitted. */
  static final class CountEmitted extends DoFn<Long, Long> {
    private final Counter emitted = Metrics.counter(SideInputRestartTest.class, "emitted");

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Long> out) {
      emitted.inc();
      out.output(i);
    }
  }

  /** Produces the side value. */
  static final class SideValue extends DoFn<Long, Long> {
    @ProcessElement
    public void process(OutputReceiver<Long> out) {
      out.output(SIDE_VALUE);
    }
  }

  /** Produces the side value; while armed, first holds until the test releases it or kills. */
  static final class HoldSide extends DoFn<Long, Long> {
    @ProcessElement
    public void process(OutputReceiver<Long> out) {
      if (holdArmed) {
        held.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return; // killed: the side value is produced by run 2
        }
      }
      out.output(SIDE_VALUE);
    }
  }

  /**
   * Passes main-input elements on; while armed, throttles past element 500 until the test allows
   * the hold (it saw the checkpoint it wants), then holds until released or killed.
   */
  static final class HoldMain extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Long> out) throws InterruptedException {
      if (holdArmed && i >= 500) {
        if (!mayHold) {
          Thread.sleep(10); // a throttle that lets the loop commit; the test waits for the commit
        } else {
          holdArmed = false;
          heldAt = i;
          held.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // killed: replayed by run 2
          }
        }
      }
      out.output(i);
    }
  }

  /** Adds the side value to each element. */
  static final class AddSide extends DoFn<Long, Long> {
    private final PCollectionView<Long> side;
    private final Counter added = Metrics.counter(SideInputRestartTest.class, "added");

    AddSide(PCollectionView<Long> side) {
      this.side = side;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      added.inc();
      c.output(c.element() + c.sideInput(side));
    }
  }

  private SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(1);
    options.setContainers(64); // one per task
    options.setStateChangelog(true);
    options.setStoreBaseDir(storeDir.toString());
    options.setCommitMs(50);
    options.setBundleSize(100);
    return options;
  }

  private static List<Long> expected() {
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < ELEMENTS; i++) {
      expected.add(i + SIDE_VALUE);
    }
    return expected;
  }

  @Test
  public void pushedBackElementsAreProcessedAfterARestart() throws Exception {
    SamzaPipelineOptions options = options();
    Pipeline p = Pipeline.create(options);
    PCollectionView<Long> side =
        p.apply("Side", GenerateSequence.from(0).to(1))
            .apply(Reshuffle.viaRandomKey()) // its own stage, so holding it blocks nothing else
            .apply(ParDo.of(new HoldSide()))
            .apply(View.asSingleton());
    PCollection<Long> out =
        p.apply("Main", GenerateSequence.from(0).to(ELEMENTS))
            .apply("Count", ParDo.of(new CountEmitted()))
            .apply("Add", ParDo.of(new AddSide(side)).withSideInputs(side));
    PAssert.that(out).containsInAnyOrder(expected());

    Job job = new Job(p, options);
    SamzaPipelineResult first = job.start();
    awaitWhileRunning(first, "the side input is held", () -> held.getCount() == 0);
    awaitWhileRunning(
        first,
        "the main source's checkpoint covers every element (all pushed back)",
        () -> job.sourceCheckpoint() >= ELEMENTS - 1);
    assertThat(counter(first, SideInputRestartTest.class, "emitted"), equalTo(ELEMENTS));
    assertThat(
        "nothing could be processed without the side input",
        counter(first, SideInputRestartTest.class, "added"),
        equalTo(0L));
    job.kill(first);

    holdArmed = false;
    SamzaPipelineResult second = job.start();
    assertThat(
        second.waitUntilFinish(Duration.standardMinutes(3)), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(p, second);
    assertThat(
        "run 2 got no element from the source: all came back from the store",
        counter(second, SideInputRestartTest.class, "emitted"),
        equalTo(0L));
    assertThat(counter(second, SideInputRestartTest.class, "added"), equalTo(ELEMENTS));
  }

  @Test
  public void aSideInputReadBeforeTheKillIsReadAgainAfterIt() throws Exception {
    SamzaPipelineOptions options = options();
    Pipeline p = Pipeline.create(options);
    PCollectionView<Long> side =
        p.apply("Side", GenerateSequence.from(0).to(1))
            .apply("Value", ParDo.of(new SideValue()))
            .apply(View.asSingleton());
    PCollection<Long> out =
        p.apply("Main", GenerateSequence.from(0).to(ELEMENTS))
            .apply("Hold", ParDo.of(new HoldMain()))
            .apply("Add", ParDo.of(new AddSide(side)).withSideInputs(side))
            // At least once: what run 1 did after its last checkpoint is done again by run 2.
            .apply(Distinct.create());
    PAssert.that(out).containsInAnyOrder(expected());

    Job job = new Job(p, options);
    SamzaPipelineResult first = job.start();
    awaitWhileRunning(
        first,
        "elements were processed with the side input and checkpointed, side input included",
        () ->
            job.sourceCheckpoint() >= 100
                && counter(first, SideInputRestartTest.class, "added") > 0
                && everythingCommitted(job.tasks, job.checkpoints, job.environment));
    mayHold = true;
    awaitWhileRunning(first, "the main input is held", () -> held.getCount() == 0);
    job.kill(first);

    SamzaPipelineResult second = job.start();
    assertThat(
        "run 2 finishes: the side input was read again (without it every element would wait)",
        second.waitUntilFinish(Duration.standardMinutes(3)),
        equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(p, second);
    assertThat(counter(second, SideInputRestartTest.class, "added"), greaterThan(0L));
    assertThat(
        "run 2 read on from the checkpoint",
        counter(second, SideInputRestartTest.class, "added"),
        lessThan(ELEMENTS));
  }

  /** One plan run twice on the same streams and checkpoints (LocalExecution, in this JVM). */
  private final class Job {
    final SamzaPipelineOptions options;
    final ExecutionPlan plan;
    final byte[] serialized;
    final LocalExecution.Environment environment = LocalExecution.Environment.fresh();
    final InMemoryCheckpointManager checkpoints =
        (InMemoryCheckpointManager) environment.checkpoints();
    final List<TaskModel> tasks = new ArrayList<>();

    Job(Pipeline p, SamzaPipelineOptions options) throws Exception {
      this.options = options;
      MetricsEnvironment.setMetricsSupported(true);
      PipelineTranslator.prepare(p);
      plan = PipelineTranslator.translate(p, options, options.getParallelism());
      serialized = PlanSerialization.serialize(plan);
      for (ContainerModel c :
          JobModelPlanner.plan(JobAssembly.stageSpecs(plan), options.getContainers())
              .getContainers()
              .values()) {
        assertThat("one task per container", c.getTasks().size(), equalTo(1));
        tasks.addAll(c.getTasks().values());
      }
    }

    SamzaPipelineResult start() {
      return LocalExecution.start(plan, serialized, options, new JobMetrics(), environment);
    }

    /**
     * The checkpointed offset (element number) of the main source (the source read by the task that
     * reads the side input), -1 if none.
     */
    long sourceCheckpoint() {
      long offset = -1;
      for (TaskModel t : tasks) {
        if (t.getInputs().stream().noneMatch(s -> s.getStream().contains("-broadcast-"))) {
          continue;
        }
        for (SystemStreamPartition ssp : t.getInputs()) {
          if (ssp.getSystem().equals(JobAssembly.SOURCE_SYSTEM)) {
            Checkpoint cp = checkpoints.readLastCheckpoint(t.getTaskName());
            String o = cp == null ? null : cp.getOffsets().get(ssp);
            offset = Math.max(offset, o == null ? -1 : Long.parseLong(o));
          }
        }
      }
      return offset;
    }

    /** Kills the run while its DoFn is held, then deletes the stores: only changelogs remain. */
    void kill(SamzaPipelineResult run) throws Exception {
      cancelWhileHeld(run, release);
      StoreDirectory.deleteRecursively(storeDir);
    }
  }
}
