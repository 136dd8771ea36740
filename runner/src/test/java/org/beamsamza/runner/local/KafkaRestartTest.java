package org.beamsamza.runner.local;

import static org.beamsamza.runner.local.RestartTestSupport.awaitWhileRunning;
import static org.beamsamza.runner.local.RestartTestSupport.cancelWhileHeld;
import static org.beamsamza.runner.local.RestartTestSupport.counter;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.kafka.KafkaSystemAdmin;
import org.beamsamza.runner.PlanSerialization;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.PipelineTranslator;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.task.StageTask;
import org.joda.time.Duration;
import org.junit.Test;

/**
 * {@link RestartFromChangelogTest} on Kafka: a stateful job on {@code --system=kafka} killed
 * halfway, its local stores gone, started again with the same {@code --jobName} and {@code --jobId}
 * in a new run (new system clients, new checkpoint manager): it finds its topics, restores state
 * and timers from the Kafka changelogs, reads on from the checkpoints in the Kafka checkpoint
 * topic, and the per-key results equal what plain Java computes.
 */
public class KafkaRestartTest implements java.io.Serializable {
  private static final long ELEMENTS = RestartFromChangelogTest.ELEMENTS;
  private static final long EARLY_END = RestartFromChangelogTest.EARLY_END;

  @Test
  public void killedJobResumesFromKafkaChangelogsAndCheckpoints() throws Exception {
    RestartFromChangelogTest.holdArmed = true;
    RestartFromChangelogTest.earlyInputCommitted = false;
    RestartFromChangelogTest.heldAt = -1;
    RestartFromChangelogTest.held = new CountDownLatch(1);
    RestartFromChangelogTest.release = new CountDownLatch(1);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      run(broker);
    } finally {
      RestartFromChangelogTest.holdArmed = false;
      RestartFromChangelogTest.release.countDown(); // never leave a container thread blocked
    }
  }

  private void run(EmbeddedKafkaBroker broker) throws Exception {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setJobName("kafka-restart");
    options.setJobId("restart-1");
    options.setSystem("kafka");
    options.setKafkaBootstrapServers(broker.bootstrapServers());
    options.setParallelism(1);
    options.setContainers(64); // one per task
    options.setStateChangelog(true);
    options.setCommitMs(50);
    options.setBundleSize(100);

    Pipeline p = Pipeline.create(options);
    PCollection<KV<Long, KV<Long, Long>>> results =
        p.apply(GenerateSequence.from(0).to(ELEMENTS))
            .apply(ParDo.of(new RestartFromChangelogTest.HoldAfterEarlyInput()))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(i -> KV.of(RestartFromChangelogTest.keyOf(i), i)))
            .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
            .apply(ParDo.of(new RestartFromChangelogTest.DistinctSum()));
    int keys = RestartFromChangelogTest.EARLY_KEYS + RestartFromChangelogTest.LATE_KEYS;
    long[] n = new long[keys];
    long[] sum = new long[keys];
    for (long i = 0; i < ELEMENTS; i++) {
      n[(int) RestartFromChangelogTest.keyOf(i)]++;
      sum[(int) RestartFromChangelogTest.keyOf(i)] += i;
    }
    List<KV<Long, KV<Long, Long>>> expected = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      expected.add(KV.of((long) k, KV.of(n[k], sum[k])));
    }
    PAssert.that(results).containsInAnyOrder(expected);

    MetricsEnvironment.setMetricsSupported(true);
    PipelineTranslator.prepare(p);
    JobMetrics firstMetrics = new JobMetrics();
    ExecutionPlan plan =
        PipelineTranslator.translate(p, options, options.getParallelism(), firstMetrics.shared());
    byte[] serialized = PlanSerialization.serialize(plan);
    String prefix = "beamsamza-" + options.getJobId() + "-";
    StageTask.Systems systems =
        new StageTask.Systems(
            JobAssembly.SOURCE_SYSTEM,
            JobAssembly.UNBOUNDED_SOURCE_SYSTEM,
            JobStreams.KAFKA,
            JobAssembly.TEST_STREAM_SYSTEM,
            prefix);
    List<TaskModel> tasks = new ArrayList<>();
    for (ContainerModel c :
        JobModelPlanner.plan(JobAssembly.stageSpecs(plan, systems), options.getContainers())
            .getContainers()
            .values()) {
      tasks.addAll(c.getTasks().values());
    }
    Config kafka = broker.systemConfig(JobStreams.KAFKA);
    String checkpointTopic = prefix + plan.jobName() + "-checkpoints";

    // Run 1: commit past the early keys' input, hold, wait until every task committed all it was
    // sent (checkpoints read back from the topic), kill.
    SamzaPipelineResult first = LocalExecution.start(plan, serialized, options, firstMetrics);
    awaitWhileRunning(
        first,
        "the source committed the early keys' input",
        () -> sourceCommitted(tasks, checkpoints(kafka, checkpointTopic)));
    RestartFromChangelogTest.earlyInputCommitted = true;
    awaitWhileRunning(
        first, "the source held", () -> RestartFromChangelogTest.held.getCount() == 0);
    awaitWhileRunning(
        first,
        "every element before the hold reached the stateful step",
        () ->
            counter(first, RestartFromChangelogTest.class, "processed")
                == RestartFromChangelogTest.heldAt);
    awaitWhileRunning(
        first,
        "every task committed all it was sent",
        () -> everythingCommitted(tasks, checkpoints(kafka, checkpointTopic), kafka));
    assertThat(counter(first, RestartFromChangelogTest.class, "early"), equalTo(EARLY_END));

    cancelWhileHeld(first, RestartFromChangelogTest.release);
    // Run 1's stores were in a temporary directory, deleted when it stopped: only Kafka is left.

    // Run 2: a new start with the same options (job name and id): nothing shared with run 1 but
    // the broker.
    JobMetrics secondMetrics = new JobMetrics();
    SamzaPipelineResult second = LocalExecution.start(plan, serialized, options, secondMetrics);
    assertThat(
        second.waitUntilFinish(Duration.standardMinutes(3)), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(p, second);
    // The early keys got no input in run 2: their results come from restored state and timers.
    assertThat(counter(second, RestartFromChangelogTest.class, "early"), equalTo(0L));
    assertThat(counter(second, RestartFromChangelogTest.class, "processed"), greaterThan(0L));
    assertThat(
        counter(second, RestartFromChangelogTest.class, "processed"),
        lessThanOrEqualTo(ELEMENTS - EARLY_END));
    System.out.printf(
        "kafka restart test: run 1 held at element %d, run 2 processed %d of %d%n",
        RestartFromChangelogTest.heldAt,
        counter(second, RestartFromChangelogTest.class, "processed"),
        ELEMENTS);
  }

  /** The job's checkpoints as a new run would read them from the checkpoint topic. */
  private static Map<String, Checkpoint> checkpoints(Config kafka, String topic) {
    KafkaCheckpointManager manager = new KafkaCheckpointManager(JobStreams.KAFKA, kafka, topic);
    manager.start();
    try {
      Map<String, Checkpoint> byTask = new java.util.HashMap<>();
      manager.getCheckpoints().forEach((task, cp) -> byTask.put(task.getName(), cp));
      return byTask;
    } finally {
      manager.stop();
    }
  }

  private static boolean sourceCommitted(List<TaskModel> tasks, Map<String, Checkpoint> cps) {
    for (TaskModel t : tasks) {
      for (SystemStreamPartition ssp : t.getInputs()) {
        if (ssp.getSystem().equals(JobAssembly.SOURCE_SYSTEM)) {
          Checkpoint cp = cps.get(t.getTaskName().getName());
          String offset = cp == null ? null : cp.getOffsets().get(ssp);
          return offset != null && Long.parseLong(offset) >= EARLY_END - 1;
        }
      }
    }
    throw new AssertionError("no source task in " + tasks);
  }

  /**
   * Every task's checkpoint covers the newest message of each of its topic partitions (none left:
   * empty, or all consumed and deleted after a checkpoint).
   */
  private static boolean everythingCommitted(
      List<TaskModel> tasks, Map<String, Checkpoint> cps, Config kafka) {
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin(JobStreams.KAFKA, kafka)) {
      for (TaskModel t : tasks) {
        Checkpoint cp = cps.get(t.getTaskName().getName());
        for (SystemStreamPartition ssp : t.getInputs()) {
          if (!ssp.getSystem().equals(JobStreams.KAFKA)) {
            continue;
          }
          String newest = admin.getNewestOffset(ssp);
          if (newest == null) {
            continue;
          }
          Map<SystemStreamPartition, String> offsets = cp == null ? Map.of() : cp.getOffsets();
          if (!newest.equals(offsets.get(ssp))) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
