package org.beamsamza.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.local.LocalPipelineResult;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The status page in a real browser: a streaming word count runs locally with {@code
 * --statusPort=0} (an endless source keeps it running until the test cancels it), Debian's headless
 * Chromium loads the page and runs its script, and the DOM it renders must show the job graph (a
 * box per stage with the plan's steps, an arrow for the repartition stream between them) and the
 * tables. {@code -Dstatus.screenshot=PATH} (relative to the runner module) also keeps the page's
 * screenshot there, e.g. {@code ../docs/status-page.png}.
 */
public class StatusPageBrowserTest {
  private static final long DEADLINE_MS = 120_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private final HttpClient http = HttpClient.newHttpClient();

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--streaming", "--parallelism=2", "--containers=2", "--statusPort=0")
            .as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setJobName("wordcount");
    return options;
  }

  /** Words, counted per one-second window: the count's GroupByKey starts a second stage. */
  private static Pipeline wordCount(SamzaPipelineOptions options) {
    Pipeline p = Pipeline.create(options);
    p.apply("ReadWords", Read.from(new WordSource(5)))
        .apply("Window", Window.into(FixedWindows.of(Duration.standardSeconds(1))))
        .apply("CountWords", Count.perElement())
        .apply(
            "FormatCounts",
            MapElements.into(TypeDescriptors.strings())
                .via((KV<String, Long> kv) -> kv.getKey() + ": " + kv.getValue()));
    return p;
  }

  @Test
  public void pageShowsTheRunningJobsGraphAndTables() throws Exception {
    HeadlessChromium.requireInstalled();
    ExecutionPlan plan = SamzaRunner.translate(wordCount(options()), options());
    assertEquals("the shuffle splits the job in two stages", 2, plan.stages().size());
    String sourceStage = StatusJson.stageOf(plan, "Window");
    String countStage = StatusJson.stageOf(plan, "FormatCounts");
    assertNotEquals(sourceStage, countStage);

    LocalPipelineResult result = (LocalPipelineResult) wordCount(options()).run();
    URI page;
    try {
      assertNotNull("--statusPort=0 bound a port", result.getStatusPort());
      page = URI.create("http://127.0.0.1:" + result.getStatusPort() + "/");

      JsonNode status =
          awaitStatus(
              page,
              "messages through both stages, and a rate for the source's",
              s ->
                  StatusJson.stageNode(s, sourceStage).path("processed").asLong() > 0
                      && StatusJson.stageNode(s, countStage).path("processed").asLong() > 0
                      && StatusJson.stageNode(s, sourceStage).path("throughput").asDouble() > 0);
      checkStatusJson(status, plan, sourceStage, countStage);
      checkJmx(plan);

      HeadlessChromium chromium = new HeadlessChromium(tmp.getRoot().toPath(), DEADLINE_MS);
      String dom = chromium.dumpDom(page);
      checkRenderedPage(dom, plan, sourceStage, countStage);

      Path png = tmp.getRoot().toPath().resolve("status-page.png");
      chromium.screenshot(page, png, 1400, 900);
      byte[] image = Files.readAllBytes(png);
      assertThat("a screenshot was written", image.length, greaterThan(10_000));
      assertEquals("PNG", new String(image, 1, 3, StandardCharsets.US_ASCII));
      String keep = System.getProperty("status.screenshot");
      if (keep != null && !keep.isEmpty()) {
        Path target = Paths.get(keep).toAbsolutePath();
        Files.createDirectories(target.getParent());
        Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      result.cancel();
    }
    assertEquals(PipelineResult.State.CANCELLED, result.getState());
    awaitStopped(page);
  }

  private static void checkStatusJson(
      JsonNode status, ExecutionPlan plan, String sourceStage, String countStage) {
    assertEquals("RUNNING", status.path("job").path("state").asText());
    assertEquals(plan.jobName(), status.path("job").path("name").asText());
    JsonNode stages = status.path("graph").path("stages");
    assertEquals(plan.stages().size(), stages.size());
    for (StagePlan stage : plan.stages()) {
      JsonNode s = StatusJson.stageNode(status, stage.id());
      assertEquals(stage.id(), stage.taskCount(), s.path("parallelism").asInt());
      List<String> steps = new ArrayList<>();
      s.path("transforms").forEach(t -> steps.add(t.asText()));
      assertEquals(stage.nodes().stream().map(NodeSpec::stepName).toList(), steps);
    }
    JsonNode shuffle = null;
    for (JsonNode edge : status.path("graph").path("edges")) {
      if (edge.path("from").asText().equals(sourceStage)
          && edge.path("to").asText().equals(countStage)) {
        shuffle = edge;
      }
    }
    assertNotNull("an edge " + sourceStage + "->" + countStage + " in " + status, shuffle);
    assertEquals("repartition", shuffle.path("kind").asText());
    assertEquals(plan.streams().get(0).name(), shuffle.path("stream").asText());
    assertEquals(2, shuffle.path("partitions").asInt());

    int tasks = plan.stages().stream().mapToInt(StagePlan::taskCount).sum();
    assertEquals(tasks, status.path("tasks").size());
    long countTasksWithLag = 0;
    for (JsonNode task : status.path("tasks")) {
      assertTrue(task.toString(), task.path("inputs").size() > 0);
      if (task.path("stage").asText().equals(countStage) && task.path("lag").isNumber()) {
        countTasksWithLag++;
      }
    }
    assertEquals(
        "the repartition stream's tasks report their lag",
        StatusJson.stageNode(status, countStage).path("parallelism").asInt(),
        countTasksWithLag);
    assertEquals(2, status.path("containers").size());
    for (JsonNode container : status.path("containers")) {
      assertTrue(container.toString(), container.path("started").asBoolean());
    }
    assertEquals(0, status.path("failures").size());
  }

  private static void checkRenderedPage(
      String dom, ExecutionPlan plan, String sourceStage, String countStage) {
    assertThat(dom, containsString("<svg id=\"graph\""));
    assertThat("the script filled in the job's state", dom, containsString(">RUNNING</span>"));
    for (StagePlan stage : plan.stages()) {
      String box = element(dom, "g", "data-stage", stage.id());
      assertThat(box, containsString("data-parallelism=\"" + stage.taskCount() + "\""));
      for (NodeSpec node : stage.nodes()) {
        assertThat(
            "stage " + stage.id() + " shows step " + node.stepName(),
            box,
            containsString(">" + escaped(node.stepName()) + "<"));
      }
    }
    assertThat(element(dom, "g", "data-stage", sourceStage), containsString(">Window/"));
    assertThat(element(dom, "g", "data-stage", countStage), containsString(">FormatCounts"));
    String source = plan.stage(sourceStage).sourceInputs().get(0).stream();
    assertThat(
        element(dom, "g", "data-edge", "source:" + source + "->" + sourceStage),
        containsString("<path"));
    String edge = element(dom, "g", "data-edge", sourceStage + "->" + countStage);
    assertThat(edge, containsString("<path"));
    assertThat(edge, containsString(">" + plan.streams().get(0).name() + "<"));
    assertThat(edge, containsString(">2 partitions<"));
    assertThat(
        "a table row per task",
        count(element(dom, "table", "id", "tasks"), "<tr>"),
        greaterThan(plan.stages().stream().mapToInt(StagePlan::taskCount).sum()));
    assertThat(element(dom, "table", "id", "containers"), containsString(">yes<"));
  }

  /** The first element {@code tag} with {@code attribute="value"}, up to its end tag. */
  private static String element(String dom, String tag, String attribute, String value) {
    Matcher m =
        Pattern.compile(
                "<"
                    + tag
                    + "\\b[^>]*\\b"
                    + attribute
                    + "=\""
                    + Pattern.quote(escaped(value))
                    + "\"[^>]*>.*?</"
                    + tag
                    + ">",
                Pattern.DOTALL)
            .matcher(dom);
    if (!m.find()) {
      fail("No <" + tag + " " + attribute + "=\"" + value + "\"> in the rendered page:\n" + dom);
    }
    return m.group();
  }

  private static String escaped(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  /**
   * The default reporter, JMX, shows the running job's containers and tasks in the platform MBean
   * server: a bean per container counting what it processed, and per task.
   */
  private static void checkJmx(ExecutionPlan plan) throws Exception {
    javax.management.MBeanServer jmx =
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
    // Only this job's beans: another test's job in this JVM has a job name of its own.
    java.util.Set<javax.management.ObjectName> containers =
        jobBeans(
            jmx, plan, "org.beamsamza:type=container,source=container,name=messages-processed,*");
    assertEquals("a bean per container: " + containers, 2, containers.size());
    long processed = 0;
    for (javax.management.ObjectName bean : containers) {
      processed += ((Number) jmx.getAttribute(bean, "Value")).longValue();
    }
    assertThat(processed, greaterThan(0L));
    int tasks = plan.stages().stream().mapToInt(StagePlan::taskCount).sum();
    assertEquals(
        "a bean per task",
        tasks,
        jobBeans(jmx, plan, "org.beamsamza:type=task,name=messages-processed,*").size());
  }

  private static java.util.Set<javax.management.ObjectName> jobBeans(
      javax.management.MBeanServer jmx, ExecutionPlan plan, String pattern) throws Exception {
    java.util.Set<javax.management.ObjectName> beans = new java.util.HashSet<>();
    for (javax.management.ObjectName bean :
        jmx.queryNames(new javax.management.ObjectName(pattern), null)) {
      String job = bean.getKeyProperty("job");
      if (job != null && job.startsWith(plan.jobName())) {
        beans.add(bean);
      }
    }
    return beans;
  }

  /** Polls {@code /status.json} until {@code condition} holds; fails after the deadline. */
  private JsonNode awaitStatus(URI page, String what, Predicate<JsonNode> condition)
      throws Exception {
    long deadline = System.currentTimeMillis() + DEADLINE_MS;
    JsonNode status = null;
    while (System.currentTimeMillis() < deadline) {
      status = JSON.readTree(get(page.resolve("status.json")));
      if (condition.test(status)) {
        return status;
      }
      TimeUnit.MILLISECONDS.sleep(200); // between polls only: the condition decides
    }
    throw new AssertionError("No " + what + " within " + DEADLINE_MS + " ms; last " + status);
  }

  /** Once the job has stopped the page stops too: connections are then refused. */
  private void awaitStopped(URI page) throws Exception {
    long deadline = System.currentTimeMillis() + DEADLINE_MS;
    while (System.currentTimeMillis() < deadline) {
      try {
        get(page.resolve("status.json"));
      } catch (ConnectException refused) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    fail("The status page still serves " + DEADLINE_MS + " ms after the job stopped");
  }

  private String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(uri + ": " + response.body(), 200, response.statusCode());
    return response.body();
  }
}
