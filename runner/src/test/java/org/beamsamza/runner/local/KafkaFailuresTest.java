package org.beamsamza.runner.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * At-least-once on {@code --system=kafka} under failures, on a real broker: a keyed stateful count
 * whose results come from event-time timers that fire at the end of the input, so state and pending
 * timers must outlive what happens mid-run.
 *
 * <ul>
 *   <li>A container fails mid-run (its stateful DoFn throws once): it is restarted in place, its
 *       stateful task restores state and timers from the Kafka changelog, its tasks read on from
 *       their Kafka checkpoints, the other container runs on. Every key's count is at least the
 *       truth; the early keys, whose whole input was committed before the failure and which get no
 *       input after it, are exact (only restored state and timers can produce them); the duplicates
 *       the restart caused are reported.
 *   <li>The broker stops for 30 s mid-run and starts again (same port and storage): the job rides
 *       it out without a container restart and its result is complete.
 *   <li>The broker stays away longer than the producers' delivery timeout: containers fail, are
 *       restarted (waiting for the broker while they start), and the result is complete.
 * </ul>
 *
 * Both hold the job mid-run the same way: past the early keys' input the source is throttled (1 ms
 * per element) and holds at the last element until the test lets it go, so the failure always lands
 * mid-job.
 */
public class KafkaFailuresTest implements java.io.Serializable {
  private static final long ELEMENTS = 20_000;

  /** Elements [0, EARLY_END) go to the early keys, the rest to the late keys. */
  private static final long EARLY_END = 5_000;

  private static final int EARLY_KEYS = 10;
  private static final int LATE_KEYS = 40;
  private static final long OUTAGE_MS = 30_000;
  private static final AtomicInteger JOB_IDS = new AtomicInteger();

  private static EmbeddedKafkaBroker broker;

  // The job runs in this JVM, so the test steers it (and collects its output) through statics.
  static volatile boolean throttled;

  /** Elements the stateful step processes before it throws once; negative: not armed. */
  static final AtomicInteger elementsUntilFailure = new AtomicInteger(-1);

  static final AtomicBoolean failureInjected = new AtomicBoolean();
  static final Map<Long, Queue<Long>> output = new ConcurrentHashMap<>();

  static long keyOf(long i) {
    return i < EARLY_END ? i % EARLY_KEYS : EARLY_KEYS + i % LATE_KEYS;
  }

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * While the test holds the job mid-run: 1 ms per element past the early keys' input, and a hold
   * at the last element, so the job cannot finish before the test let it go.
   */
  static final class Throttle extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Long> out) throws InterruptedException {
      if (i >= EARLY_END && throttled) {
        Thread.sleep(1);
      }
      while (i == ELEMENTS - 1 && throttled) {
        Thread.sleep(1);
      }
      out.output(i);
    }
  }

  /**
   * Counts per key in state; an event-time timer, set by every element, fires once the input is
   * exhausted and emits the count. Throws once, a number of elements after the test armed it (a
   * container failure).
   */
  static final class CountAtEnd extends DoFn<KV<Long, Long>, KV<Long, Long>> {
    private final Counter early = Metrics.counter(KafkaFailuresTest.class, "early");
    private final Counter processed = Metrics.counter(KafkaFailuresTest.class, "processed");

    /** If set, each element counts as this side input's value (1), which must be readable. */
    private final PCollectionView<Long> increment;

    CountAtEnd(PCollectionView<Long> increment) {
      this.increment = increment;
    }

    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        ProcessContext c, @StateId("count") ValueState<Long> count, @TimerId("end") Timer end) {
      KV<Long, Long> e = c.element();
      if (elementsUntilFailure.get() >= 0
          && elementsUntilFailure.getAndDecrement() == 0
          && failureInjected.compareAndSet(false, true)) {
        // Mid-way between commits, so that work since the last one is replayed.
        throw new IllegalStateException("injected failure at element " + e.getValue());
      }
      long step = increment == null ? 1 : c.sideInput(increment);
      Long n = count.read();
      count.write(n == null ? step : n + step);
      end.set(new Instant(0)); // the watermark passes it only when all input is read
      processed.inc();
      if (e.getKey() < EARLY_KEYS) {
        early.inc();
      }
    }

    @OnTimer("end")
    public void onEnd(
        @Key Long key,
        @StateId("count") ValueState<Long> count,
        OutputReceiver<KV<Long, Long>> out) {
      out.output(KV.of(key, count.read()));
    }
  }

  static final class Collect extends DoFn<KV<Long, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<Long, Long> e) {
      output.computeIfAbsent(e.getKey(), k -> new ConcurrentLinkedQueue<>()).add(e.getValue());
    }
  }

  private static SamzaPipelineOptions options(String jobName) {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setJobName(jobName);
    options.setJobId("failures" + JOB_IDS.incrementAndGet());
    options.setSystem("kafka");
    options.setKafkaBootstrapServers(broker.bootstrapServers());
    options.setParallelism(2);
    // One task per container: a throttled source task slows no stateful task, and a failed
    // container holds one stateful task.
    options.setContainers(4);
    options.setStateChangelog(true);
    options.setCommitMs(50);
    options.setBundleSize(100);
    options.setContainerRetryBackoffMs(100);
    return options;
  }

  private static SamzaPipelineResult run(SamzaPipelineOptions options) {
    return run(options, false);
  }

  /**
   * @param sideInput whether the stateful step reads a side input (the value 1, from a source of
   *     its own) for every element
   */
  private static SamzaPipelineResult run(SamzaPipelineOptions options, boolean sideInput) {
    Pipeline p = Pipeline.create(options);
    PCollectionView<Long> one =
        !sideInput
            ? null
            : p.apply("One", GenerateSequence.from(1).to(2)).apply(View.asSingleton());
    p.apply(GenerateSequence.from(0).to(ELEMENTS))
        .apply(ParDo.of(new Throttle()))
        .apply(
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via(i -> KV.of(keyOf(i), i)))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
        .apply(
            sideInput
                ? ParDo.of(new CountAtEnd(one)).withSideInputs(one)
                : ParDo.of(new CountAtEnd(null)))
        .apply(ParDo.of(new Collect()));
    return (SamzaPipelineResult) p.run();
  }

  private static void reset() {
    throttled = true;
    elementsUntilFailure.set(-1);
    failureInjected.set(false);
    output.clear();
  }

  /** Plain Java: each key's count. */
  private static long[] truth() {
    long[] n = new long[EARLY_KEYS + LATE_KEYS];
    for (long i = 0; i < ELEMENTS; i++) {
      n[(int) keyOf(i)]++;
    }
    return n;
  }

  /**
   * Every key emitted a count at least its truth (at-least-once), the early keys exactly theirs;
   * returns a report of the duplicates: the sum over keys of (count - truth), and any key emitted
   * more than once.
   */
  private static String checkAtLeastOnce() {
    long[] truth = truth();
    long duplicates = 0;
    List<String> repeated = new ArrayList<>();
    for (int k = 0; k < truth.length; k++) {
      Queue<Long> counts = output.get((long) k);
      assertTrue("key " + k + " emitted no count", counts != null && !counts.isEmpty());
      if (counts.size() > 1) {
        repeated.add(k + "=" + counts);
      }
      long count = counts.stream().mapToLong(Long::longValue).max().getAsLong();
      assertThat(
          "key " + k + ": every input record counted", count, greaterThanOrEqualTo(truth[k]));
      if (k < EARLY_KEYS) {
        assertEquals(
            "early key " + k + ": all its input came before the failure and was committed",
            truth[k],
            count);
      }
      duplicates += count - truth[k];
    }
    return duplicates + " duplicate record(s) counted; keys emitted more than once: " + repeated;
  }

  @Test
  public void aContainerThatFailsMidRunIsRestartedAndEveryRecordIsCounted() throws Exception {
    reset();
    SamzaPipelineOptions options = options("container-failure");
    SamzaPipelineResult result = run(options);
    try {
      awaitEarlyInputCommitted(result, options);
      elementsUntilFailure.set(25);
      await(result, "a container failed", failureInjected::get);
      throttled = false;
      long t0 = System.nanoTime();
      assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(Duration.standardMinutes(3)));
      Map<String, Integer> restarts = result.getContainerRestarts();
      assertEquals("one container restarted once: " + restarts, 1, restarts.size());
      assertEquals(Integer.valueOf(1), restarts.values().iterator().next());
      String report = checkAtLeastOnce();
      // The early keys' input was all checkpointed before the failure: not read again.
      assertEquals(EARLY_END, attempted(result, "early"));
      System.out.printf(
          "container failure on Kafka: restarts %s; processed %d of %d records; %s; finished %d ms"
              + " after the failure%n",
          restarts,
          attempted(result, "processed"),
          ELEMENTS,
          report,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    } finally {
      throttled = false;
      elementsUntilFailure.set(-1);
      if (result.getState() == PipelineResult.State.RUNNING) {
        result.cancel();
      }
    }
  }

  /**
   * As above, the failing stateful step reading a side input for every element: the restarted task
   * reads the side input's broadcast topic again from its start (its contents lived on the heap),
   * so the elements after the restart are counted with it too. Each task in its own container, so
   * that the held source task delays no side-input task.
   */
  @Test
  public void aContainerWithASideInputThatFailsMidRunIsRestartedAndEveryRecordIsCounted()
      throws Exception {
    reset();
    SamzaPipelineOptions options = options("side-input-failure");
    options.setContainers(64);
    SamzaPipelineResult result = run(options, true);
    try {
      awaitEarlyInputCommitted(result, options);
      elementsUntilFailure.set(25);
      await(result, "a container failed", failureInjected::get);
      throttled = false;
      assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(Duration.standardMinutes(3)));
      Map<String, Integer> restarts = result.getContainerRestarts();
      assertEquals("one container restarted once: " + restarts, 1, restarts.size());
      String report = checkAtLeastOnce();
      assertEquals(EARLY_END, attempted(result, "early"));
      System.out.printf(
          "container failure with a side input on Kafka: restarts %s; %s%n", restarts, report);
    } finally {
      throttled = false;
      elementsUntilFailure.set(-1);
      if (result.getState() == PipelineResult.State.RUNNING) {
        result.cancel();
      }
    }
  }

  @Test
  public void theJobRidesOutAThirtySecondBrokerOutage() throws Exception {
    reset();
    SamzaPipelineOptions options = options("broker-outage");
    SamzaPipelineResult result = run(options);
    try {
      awaitEarlyInputCommitted(result, options);
      broker.stop();
      long stopped = System.nanoTime();
      // The outage itself is the point of the test: a fixed 30 s with the broker down.
      Thread.sleep(OUTAGE_MS);
      assertEquals(
          "the job is still running during the outage",
          PipelineResult.State.RUNNING,
          result.getState());
      long committedBefore = committed(result, "processed");
      broker.restart();
      long restarted = System.nanoTime();
      throttled = false;
      await(
          result,
          "the job committed new work after the outage",
          () -> committed(result, "processed") > committedBefore);
      long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
      assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(Duration.standardMinutes(3)));
      assertEquals(
          "rode out the outage without a container restart",
          Map.of(),
          result.getContainerRestarts());
      String report = checkAtLeastOnce();
      System.out.printf(
          "broker outage on Kafka: broker down %d ms; first commit of new work %d ms after the"
              + " broker was back; %s%n",
          TimeUnit.NANOSECONDS.toMillis(restarted - stopped), recoveredMs, report);
    } finally {
      throttled = false;
      broker.restart(); // no-op if it is up
      if (result.getState() == PipelineResult.State.RUNNING) {
        result.cancel();
      }
    }
  }

  @Test
  public void anOutageLongerThanTheDeliveryTimeoutRestartsContainersAndLosesNothing()
      throws Exception {
    reset();
    SamzaPipelineOptions options = options("long-outage");
    // A tolerance far below the outage: pending writes fail after 3 s.
    options.setKafkaConfig("delivery.timeout.ms=3000,request.timeout.ms=2000");
    SamzaPipelineResult result = run(options);
    try {
      awaitEarlyInputCommitted(result, options);
      broker.stop();
      long stopped = System.nanoTime();
      await(
          result,
          "a container failed on the outage and is being restarted",
          () -> !result.getContainerRestarts().isEmpty());
      long failedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
      broker.restart();
      throttled = false;
      assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(Duration.standardMinutes(3)));
      String report = checkAtLeastOnce();
      System.out.printf(
          "long broker outage on Kafka: first container failure %d ms into the outage; restarts"
              + " %s; %s%n",
          failedMs, result.getContainerRestarts(), report);
    } finally {
      throttled = false;
      broker.restart(); // no-op if it is up
      if (result.getState() == PipelineResult.State.RUNNING) {
        result.cancel();
      }
    }
  }

  /**
   * Waits until every early element is committed by the stateful tasks and by the source, so that
   * nothing of the early keys is read again after a failure.
   */
  private static void awaitEarlyInputCommitted(
      SamzaPipelineResult result, SamzaPipelineOptions options) throws InterruptedException {
    await(
        result,
        "the stateful tasks committed every early element",
        () -> committed(result, "early") == EARLY_END);
    String checkpointTopic =
        "beamsamza-" + options.getJobId() + "-" + options.getJobName() + "-checkpoints";
    await(
        result,
        "the source checkpointed past the early elements",
        () -> sourceCheckpointedPastEarlyInput(checkpointTopic));
  }

  /**
   * The bounded source's first partition, [0, ELEMENTS / 2) with offset = element, is checkpointed
   * past the early elements, so a restarted source task does not emit them again.
   */
  private static boolean sourceCheckpointedPastEarlyInput(String topic) {
    KafkaCheckpointManager manager =
        new KafkaCheckpointManager(JobStreams.KAFKA, broker.systemConfig(JobStreams.KAFKA), topic);
    manager.start();
    try {
      for (Checkpoint cp : manager.getCheckpoints().values()) {
        for (Map.Entry<SystemStreamPartition, String> e : cp.getOffsets().entrySet()) {
          if (e.getKey().getSystem().equals(JobAssembly.SOURCE_SYSTEM)
              && e.getKey().getPartition() == 0
              && e.getValue() != null
              && Long.parseLong(e.getValue()) >= EARLY_END - 1) {
            return true;
          }
        }
      }
      return false;
    } finally {
      manager.stop();
    }
  }

  /** Waits for a condition while the job runs; fails at once if it ended. */
  private static void await(SamzaPipelineResult run, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      if (run.getState() != PipelineResult.State.RUNNING) {
        fail("the job ended (" + run.getState() + ") before: " + what);
      }
      if (condition.getAsBoolean()) {
        return;
      }
      assertThat("hung waiting until " + what, deadline - System.nanoTime(), greaterThan(0L));
      Thread.sleep(10);
    }
  }

  private static Iterable<MetricResult<Long>> counters(SamzaPipelineResult result, String name) {
    return result
        .metrics()
        .queryMetrics(
            MetricsFilter.builder()
                .addNameFilter(MetricNameFilter.named(KafkaFailuresTest.class.getName(), name))
                .build())
        .getCounters();
  }

  private static long committed(SamzaPipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : counters(result, name)) {
      Long v = c.getCommittedOrNull();
      total += v == null ? 0 : v;
    }
    return total;
  }

  private static long attempted(SamzaPipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : counters(result, name)) {
      total += c.getAttempted();
    }
    return total;
  }
}
