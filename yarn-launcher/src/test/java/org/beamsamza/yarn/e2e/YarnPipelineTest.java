package org.beamsamza.yarn.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamsamza.yarn.SamzaYarnOptions;
import org.beamsamza.yarn.client.SubmittedApplications;
import org.beamsamza.yarn.client.YarnPipelineResult;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** Beam pipelines run with {@code --deployment=yarn} on a real YARN cluster and Kafka broker. */
public class YarnPipelineTest {
  private static YarnTestCluster cluster;

  @BeforeClass
  public static void start() throws Exception {
    cluster = YarnTestCluster.start("yarn-pipeline");
  }

  @AfterClass
  public static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static final int RECORDS = 20_000;
  static final int KEYS = 50;

  /** Keys each number, counting what it sees. */
  static final class KeyByRemainder extends DoFn<Long, KV<String, Long>> {
    private final org.apache.beam.sdk.metrics.Counter seen = Metrics.counter("yarn-test", "seen");

    @ProcessElement
    public void process(@Element Long n, OutputReceiver<KV<String, Long>> out) {
      seen.inc();
      out.output(KV.of("k" + (n % KEYS), n));
    }
  }

  static void keyedCount(Pipeline p, long records, DoFn<Long, KV<String, Long>> keyBy, String out) {
    p.apply("Numbers", GenerateSequence.from(0).to(records))
        .apply("KeyBy", ParDo.of(keyBy))
        .apply(Count.perKey())
        .apply(
            "WriteKafka",
            KafkaIO.<String, Long>write()
                .withBootstrapServers(cluster.kafka.bootstrapServers())
                .withTopic(out)
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(LongSerializer.class));
  }

  @Test
  public void keyedCountOnTwoContainersSucceedsWithExactCountsAndMetrics() throws Exception {
    cluster.createTopic("yarn-counts", 2);
    SamzaYarnOptions options = cluster.options("--jobName=yarn-keyed-count");
    Pipeline p = Pipeline.create(options);
    keyedCount(p, RECORDS, new KeyByRemainder(), "yarn-counts");
    YarnPipelineResult result = (YarnPipelineResult) p.run();
    PipelineResult.State state;
    try {
      state = result.waitUntilFinish();
    } catch (RuntimeException e) {
      throw new AssertionError(
          "Job failed; container logs:\n" + cluster.yarn.containerLogs(result.getApplicationId()),
          e);
    }
    assertThat(state, equalTo(PipelineResult.State.DONE));

    Map<String, Long> expected = new HashMap<>();
    for (long n = 0; n < RECORDS; n++) {
      expected.merge("k" + (n % KEYS), 1L, Long::sum);
    }
    assertThat(cluster.lastCounts("yarn-counts"), equalTo(expected));

    MetricResult<Long> seen =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("yarn-test", "seen"))
                    .build())
            .getCounters()
            .iterator()
            .next();
    assertThat(
        "reported by the containers to the AM", seen.getAttempted(), equalTo((long) RECORDS));
    assertThat(seen.getCommitted(), equalTo((long) RECORDS));

    @SuppressWarnings("unchecked")
    java.util.List<Map<String, Object>> containers =
        (java.util.List<Map<String, Object>>) result.status().get("containers");
    assertThat(containers.size(), equalTo(2));
    assertThat(result.status().get("state"), equalTo("SUCCEEDED"));

    // The containers' runtime metrics reached the AM: progress as the CLI's status shows it.
    @SuppressWarnings("unchecked")
    Map<String, Object> progress = (Map<String, Object>) result.status().get("progress");
    assertThat(
        progress.toString(), progress.get("stagesFinished"), equalTo(progress.get("stages")));
    assertThat(progress.get("recordsRead"), equalTo((int) RECORDS));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> steps =
        (Map<String, Map<String, Object>>) progress.get("steps");
    Map<String, Object> keyBy =
        steps.entrySet().stream()
            .filter(e -> e.getKey().startsWith("KeyBy"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no KeyBy step in " + steps.keySet()))
            .getValue();
    assertThat(keyBy.get("elementsIn"), equalTo((int) RECORDS));
  }

  /** Throws at one element, whatever the attempt. */
  static final class FailAt extends DoFn<Long, KV<String, Long>> {
    @ProcessElement
    public void process(@Element Long n, OutputReceiver<KV<String, Long>> out) {
      if (n == 777) {
        throw new IllegalStateException("user code failed at element " + n);
      }
      out.output(KV.of("k" + (n % KEYS), n));
    }
  }

  /**
   * The failing pipeline as a user's program: {@code main} builds it from its arguments and submits
   * it, as a program run by {@code beam-samza-yarn run} does.
   */
  public static final class FailingProgram {
    public static void main(String[] args) {
      SamzaYarnOptions options =
          org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(args)
              .as(SamzaYarnOptions.class);
      Pipeline p = Pipeline.create(options);
      p.apply("Numbers", GenerateSequence.from(0).to(2_000))
          .apply("KeyBy", ParDo.of(new FailAt()))
          .apply(Count.perKey())
          .apply(
              "WriteKafka",
              KafkaIO.<String, Long>write()
                  .withBootstrapServers(options.getKafkaBootstrapServers())
                  .withTopic("yarn-failing-out")
                  .withKeySerializer(StringSerializer.class)
                  .withValueSerializer(LongSerializer.class));
      p.run();
    }
  }

  @Test
  public void aPipelineThatThrowsEndsFailedAndRunWaitExitsNonZeroPrintingTheUsersException()
      throws Exception {
    cluster.createTopic("yarn-failing-out", 1);
    List<String> args =
        new ArrayList<>(List.of("run", "--wait", "--class", FailingProgram.class.getName(), "--"));
    args.addAll(List.of(cluster.args("--jobName=yarn-failing", "--containerRetryCount=1")));
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli = org.beamsamza.yarn.cli.BeamSamzaYarn.commandLine();
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    int exit = cli.execute(args.toArray(new String[0]));

    assertThat("run --wait of a failed job; stderr: " + err, exit, equalTo(1));
    assertThat(
        err.toString(),
        containsString("java.lang.IllegalStateException: user code failed at element 777"));
    List<YarnPipelineResult> submitted = SubmittedApplications.all();
    YarnPipelineResult result = submitted.get(submitted.size() - 1);
    assertThat(result.getState(), equalTo(PipelineResult.State.FAILED));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, result::waitUntilFinish);
    assertThat(e.getCause(), instanceOf(IllegalStateException.class));
    assertThat(e.getCause().getMessage(), equalTo("user code failed at element 777"));
    assertThat(
        "the container was restarted once, then the job failed",
        result.getContainerRestarts().values().stream().mapToInt(Integer::intValue).sum(),
        equalTo(1));
    assertThat(String.valueOf(result.status().get("failure")), containsString("element 777"));
  }

  @Test
  public void anUnknownQueueFailsRunNamingTheOption() {
    Pipeline p = Pipeline.create(cluster.options("--yarnQueue=nosuchqueue"));
    keyedCount(p, 10, new KeyByRemainder(), "unused-1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--yarnQueue=nosuchqueue"));
  }

  @Test
  public void moreMemoryThanTheClusterAllowsFailsRunNamingTheOption() {
    Pipeline p = Pipeline.create(cluster.options("--containerMemoryMb=1000000"));
    keyedCount(p, 10, new KeyByRemainder(), "unused-2");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--containerMemoryMb=1000000"));
  }

  @Test
  public void anUnreachableKafkaFailsRunNamingTheOption() {
    Pipeline p = Pipeline.create(cluster.options("--kafkaBootstrapServers=127.0.0.1:1"));
    keyedCount(p, 10, new KeyByRemainder(), "unused-3");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--kafkaBootstrapServers=127.0.0.1:1"));
  }

  @Test
  public void withoutKafkaTheYarnDeploymentIsRefused() {
    Pipeline p = Pipeline.create(cluster.options("--system=inmemory"));
    keyedCount(p, 10, new KeyByRemainder(), "unused-4");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--system=kafka"));
  }
}
