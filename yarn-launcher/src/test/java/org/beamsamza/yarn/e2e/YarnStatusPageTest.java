package org.beamsamza.yarn.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptReport;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.status.HeadlessChromium;
import org.beamsamza.runner.status.StatusJson;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.yarn.SamzaYarnOptions;
import org.beamsamza.yarn.client.YarnPipelineResult;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The status page of a job on YARN, opened as a user would: from the application's tracking URL in
 * the ResourceManager's report (through the RM's web proxy). An unbounded Kafka word count keeps
 * the job running until the test kills it; the page's {@code status.json} must show the plan's
 * graph, the containers on the hosts YARN gave them and tasks that processed the input, and
 * headless Chromium must draw a box per stage.
 */
public class YarnStatusPageTest {

  /** Only turns a hang into a failure: every wait below ends on its condition. */
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORDS = 2_000;
  private static final int KEYS = 100;

  private static YarnTestCluster cluster;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeClass
  public static void start() throws Exception {
    cluster = YarnTestCluster.start("yarn-status-page");
  }

  @AfterClass
  public static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SamzaYarnOptions options() {
    return cluster.options("--jobName=yarn-status-page");
  }

  /** A running count per word: the count's GroupByKey starts a second stage. */
  private static Pipeline wordCount(SamzaYarnOptions options) {
    Pipeline p = Pipeline.create(options);
    p.apply(
            "ReadWords",
            KafkaIO.<String, String>read()
                .withBootstrapServers(cluster.kafka.bootstrapServers())
                .withTopic("page-in")
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerConfigUpdates(Map.of("auto.offset.reset", "earliest"))
                .withoutMetadata())
        .apply(
            "Window",
            Window.<KV<String, String>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .accumulatingFiredPanes()
                .withAllowedLateness(org.joda.time.Duration.ZERO))
        .apply("CountWords", Count.perKey())
        .apply(
            "WriteCounts",
            KafkaIO.<String, Long>write()
                .withBootstrapServers(cluster.kafka.bootstrapServers())
                .withTopic("page-out")
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(org.apache.kafka.common.serialization.LongSerializer.class));
    return p;
  }

  @Test
  public void theTrackingUrlServesThePageOfTheRunningJob() throws Exception {
    HeadlessChromium.requireInstalled();
    cluster.createTopic("page-in", 4);
    cluster.createTopic("page-out", 2);
    produceWords();
    ExecutionPlan plan = SamzaRunner.translate(wordCount(options()), options());
    assertEquals("the shuffle splits the job in two stages", 2, plan.stages().size());
    String sourceStage = StatusJson.stageOf(plan, "Window");
    String countStage = StatusJson.stageOf(plan, "WriteCounts");

    YarnPipelineResult result = (YarnPipelineResult) wordCount(options()).run();
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(cluster.yarn.config());
      yarn.start();
      try {
        URI page = awaitTrackingUrl(yarn, result);
        System.out.println("Status page (through the RM's proxy): " + page);

        HttpResponse<String> html = get(page);
        assertThat(html.headers().firstValue("Content-Type").orElse(""), startsWith("text/html"));
        assertThat(html.body(), containsString("fetch('status.json'"));

        JsonNode status =
            awaitStatus(
                page,
                "every task's messages processed, reported to the ApplicationMaster",
                s -> {
                  int tasks = 0;
                  for (JsonNode task : s.path("tasks")) {
                    if (task.path("processed").asLong() <= 0) {
                      return false;
                    }
                    tasks++;
                  }
                  return tasks > 0;
                });
        checkStatusJson(status, plan, sourceStage, countStage, containerHosts(yarn, result));
        checkRenderedPage(
            new HeadlessChromium(tmp.getRoot().toPath(), DEADLINE.toMillis()).dumpDom(page), plan);

        // The client (and so the CLI) still finds the AM's JSON status from the tracking URL.
        assertThat(result.status().get("state"), equalTo("RUNNING"));
        assertThat(((List<?>) result.status().get("containers")).size(), equalTo(2));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            e.getMessage()
                + "\ncontainer logs:\n"
                + cluster.yarn.containerLogs(result.getApplicationId()),
            e);
      } finally {
        result.cancel();
      }
      assertThat(result.getState(), equalTo(PipelineResult.State.CANCELLED));
      assertThat(
          yarn.getApplicationReport(result.getApplicationId()).getYarnApplicationState(),
          equalTo(YarnApplicationState.KILLED));
      try {
        YarnTestCluster.await(
            "the job's processes (AM and containers) to exit",
            DEADLINE,
            () -> jobProcesses().isEmpty());
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; still alive: " + describe(jobProcesses()), e);
      }
    }
  }

  private static void produceWords() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < RECORDS; i++) {
        // Keyed: the default partitioner spreads the words over all four partitions.
        producer.send(new ProducerRecord<>("page-in", "w" + (i % KEYS), "v" + i));
      }
      producer.flush();
    }
  }

  /** The tracking URL once the ApplicationMaster registered it (the RM's proxy before that too). */
  private static URI awaitTrackingUrl(YarnClient yarn, YarnPipelineResult result) throws Exception {
    YarnTestCluster.await(
        "the ApplicationMaster's registration (its tracking URL)",
        DEADLINE,
        () -> {
          String original = report(yarn, result).getOriginalTrackingUrl();
          return original != null && original.startsWith("http");
        });
    ApplicationReport report = report(yarn, result);
    assertThat(
        "the AM registered its page, not a JSON path",
        URI.create(report.getOriginalTrackingUrl()).getPath(),
        equalTo("/"));
    String url = report.getTrackingUrl();
    return URI.create(url.startsWith("http") ? url : "http://" + url);
  }

  private static ApplicationReport report(YarnClient yarn, YarnPipelineResult result) {
    try {
      return yarn.getApplicationReport(result.getApplicationId());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where YARN runs the job's containers (the AM's own excluded). */
  private static Set<String> containerHosts(YarnClient yarn, YarnPipelineResult result)
      throws Exception {
    Set<String> hosts = new HashSet<>();
    for (ApplicationAttemptReport attempt :
        yarn.getApplicationAttempts(result.getApplicationId())) {
      for (ContainerReport container : yarn.getContainers(attempt.getApplicationAttemptId())) {
        if (!container.getContainerId().equals(attempt.getAMContainerId())) {
          hosts.add(container.getAssignedNode().getHost());
        }
      }
    }
    return hosts;
  }

  /**
   * The processes the NodeManagers started for the job (its AM and containers, which run as this
   * JVM's descendants in a MiniYARNCluster) that are still alive.
   */
  private static List<ProcessHandle> jobProcesses() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  private static String describe(List<ProcessHandle> processes) {
    return processes.stream()
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
        .toList()
        .toString();
  }

  private static void checkStatusJson(
      JsonNode status,
      ExecutionPlan plan,
      String sourceStage,
      String countStage,
      Set<String> yarnHosts) {
    assertEquals("RUNNING", status.path("job").path("state").asText());
    assertEquals(plan.jobName(), status.path("job").path("name").asText());

    JsonNode stages = status.path("graph").path("stages");
    assertEquals(status.toString(), plan.stages().size(), stages.size());
    for (StagePlan stage : plan.stages()) {
      JsonNode s = StatusJson.stageNode(status, stage.id());
      assertEquals(stage.id(), stage.taskCount(), s.path("parallelism").asInt());
      List<String> steps = new ArrayList<>();
      s.path("transforms").forEach(t -> steps.add(t.asText()));
      assertEquals(stage.nodes().stream().map(NodeSpec::stepName).toList(), steps);
      assertTrue("stage " + stage.id() + " processed: " + s, s.path("processed").asLong() > 0);
    }
    JsonNode shuffle = null;
    for (JsonNode edge : status.path("graph").path("edges")) {
      if (edge.path("from").asText().equals(sourceStage)
          && edge.path("to").asText().equals(countStage)) {
        shuffle = edge;
      }
    }
    assertNotNull("an edge " + sourceStage + "->" + countStage + " in " + status, shuffle);
    assertEquals(plan.streams().get(0).name(), shuffle.path("stream").asText());

    assertEquals(
        plan.stages().stream().mapToInt(StagePlan::taskCount).sum(), status.path("tasks").size());
    assertEquals(2, status.path("containers").size());
    for (JsonNode container : status.path("containers")) {
      assertTrue(container.toString(), container.path("started").asBoolean());
      assertThat(
          "container " + container.path("id") + " on a host YARN gave the job",
          yarnHosts,
          hasItem(container.path("host").asText()));
      assertEquals(container.toString(), 0, container.path("restarts").asInt());
    }
    assertEquals(0, status.path("failures").size());
  }

  private static void checkRenderedPage(String dom, ExecutionPlan plan) {
    assertThat(dom, containsString("<svg id=\"graph\""));
    assertThat("the script filled in the job's state", dom, containsString(">RUNNING</span>"));
    for (StagePlan stage : plan.stages()) {
      assertThat(
          "a box for stage " + stage.id() + " in the rendered page:\n" + dom,
          dom,
          containsString("data-stage=\"" + stage.id() + "\""));
    }
  }

  /** Polls the page's {@code status.json} until {@code condition} holds. */
  private JsonNode awaitStatus(URI page, String what, Predicate<JsonNode> condition)
      throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status = JSON.readTree(get(page.resolve("status.json")).body());
      if (condition.test(status)) {
        return status;
      }
      TimeUnit.MILLISECONDS.sleep(200); // between polls only: the condition decides
    }
    throw new AssertionError("No " + what + " within " + DEADLINE + "; last " + status);
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(uri + ": " + response.body(), 200, response.statusCode());
    return response;
  }
}
