package org.beamsamza.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.beamsamza.runner.metrics.JobRegistries;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.metrics.MetricsRegistryMap;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.translation.plan.BroadcastInputSpec;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.KeyedInputSpec;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.plan.StreamDef;
import org.junit.Test;

/**
 * The status model from a hand-made plan and job model and registries filled by the test: a source
 * stage of two tasks feeding a stage of two tasks through a repartition stream and a broadcast
 * stream, spread over two containers.
 */
public class StatusModelTest {
  private static final long SECOND = 1_000_000_000L;
  private static final String KEYED = "job-stage1-keyed-0";
  private static final String SIDE = "job-stage1-broadcast-1";

  private static NodeSpec node(String step) {
    return new NodeSpec(step, null, List.of(), Map.of(), List.of());
  }

  private static final ExecutionPlan PLAN =
      new ExecutionPlan(
          "job",
          null,
          List.of(
              new StagePlan(
                  "stage0",
                  2,
                  List.of(node("Split"), node("Count/Partial")),
                  List.of(new SourceInputSpec("source0", 2, "pc0")),
                  List.of(),
                  List.of(),
                  List.of()),
              new StagePlan(
                  "stage1",
                  2,
                  List.of(node("Count/Merge"), node("Format")),
                  List.of(),
                  List.of(new KeyedInputSpec(KEYED, 2, 2, 0, null, null)),
                  List.of(new BroadcastInputSpec(SIDE, 2, null, List.of(1), null)),
                  List.of())),
          List.of(
              new StreamDef(KEYED, 2, false, "stage0", "stage1"),
              new StreamDef(SIDE, 1, true, "stage0", "stage1")),
          Map.of());

  private static SystemStreamPartition source(int p) {
    return new SystemStreamPartition("beam-source", "source0", p);
  }

  private static SystemStreamPartition keyed(int p) {
    return new SystemStreamPartition("inmemory", KEYED, p);
  }

  private static final SystemStreamPartition SIDE_0 =
      new SystemStreamPartition("inmemory", SIDE, 0);

  private static TaskModel task(String name, String stage, int index, SystemStreamPartition... in) {
    return new TaskModel(new TaskName(name), stage, index, 2, Set.of(in));
  }

  private static ContainerModel container(String id, TaskModel... tasks) {
    Map<TaskName, TaskModel> byName = new LinkedHashMap<>();
    for (TaskModel t : tasks) {
      byName.put(t.getTaskName(), t);
    }
    return new ContainerModel(id, byName);
  }

  private static final JobModel JOB_MODEL =
      new JobModel(
          Map.of(
              "0",
              container(
                  "0",
                  task("stage0-0", "stage0", 0, source(0)),
                  task("stage1-0", "stage1", 0, keyed(0), SIDE_0)),
              "1",
              container(
                  "1",
                  task("stage0-1", "stage0", 1, source(1)),
                  task("stage1-1", "stage1", 1, keyed(1), SIDE_0))));

  private final JobRegistries registries = new JobRegistries();
  private final StatusModel model =
      new StatusModel("job", "id7", "host1", PLAN, JOB_MODEL, registries::values);

  /** A task's registry as a container registers it, with gauges over the test's own values. */
  private static final class FakeTask {
    final AtomicLong processed = new AtomicLong();
    final Map<SystemStreamPartition, AtomicLong> lag = new LinkedHashMap<>();
    final MetricsRegistryMap registry = new MetricsRegistryMap();

    FakeTask(SystemStreamPartition... inputs) {
      registry.newGauge("task", "messages-processed", processed::get);
      for (SystemStreamPartition ssp : inputs) {
        AtomicLong l = new AtomicLong();
        lag.put(ssp, l);
        registry.newGauge("task", ssp + "-offset", () -> "41");
        registry.newGauge("task", ssp + "-lag", l::get);
      }
    }

    FakeTask watermarks(long input, long output) {
      registry.newGauge("stage", "input-watermark", () -> input);
      registry.newGauge("stage", "output-watermark", () -> output);
      return this;
    }

    FakeTask step(String step, long in, long out) {
      registry.newGauge("step", step + ":elements-in", () -> in);
      registry.newGauge("step", step + ":elements-out", () -> out);
      return this;
    }
  }

  private void register(String container, String task, FakeTask fake) {
    registries.register(container, "task " + task, fake.registry);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> byKey(List<Map<String, Object>> rows, String k, Object v) {
    for (Map<String, Object> row : rows) {
      if (v.equals(row.get(k))) {
        return row;
      }
    }
    throw new AssertionError("No " + k + "=" + v + " in " + rows);
  }

  private static Map<String, Object> stage(Map<String, Object> status, String id) {
    return byKey(list(map(status.get("graph")).get("stages")), "id", id);
  }

  private static Map<String, Object> task(Map<String, Object> status, String name) {
    return byKey(list(status.get("tasks")), "name", name);
  }

  @Test
  public void graphHasEachStageWithItsStepsAndParallelismAndAnEdgePerStream() {
    Map<String, Object> status = model.build(0, 0);
    Map<String, Object> graph = map(status.get("graph"));
    assertEquals(2, list(graph.get("stages")).size());
    assertEquals(List.of("Split", "Count/Partial"), stage(status, "stage0").get("transforms"));
    assertEquals(List.of("Count/Merge", "Format"), stage(status, "stage1").get("transforms"));
    assertEquals(2, stage(status, "stage1").get("parallelism"));

    List<Map<String, Object>> edges = list(graph.get("edges"));
    assertEquals(3, edges.size());
    Map<String, Object> source = byKey(edges, "stream", "source0");
    assertNull(source.get("from"));
    assertEquals("stage0", source.get("to"));
    assertEquals("source", source.get("kind"));
    assertEquals("bounded", source.get("source"));
    assertEquals(2, source.get("partitions"));
    Map<String, Object> shuffle = byKey(edges, "stream", KEYED);
    assertEquals(List.of("stage0", "stage1", "repartition", 2), fields(shuffle));
    Map<String, Object> side = byKey(edges, "stream", SIDE);
    assertEquals(List.of("stage0", "stage1", "broadcast", 1), fields(side));
  }

  private static List<Object> fields(Map<String, Object> edge) {
    return List.of(edge.get("from"), edge.get("to"), edge.get("kind"), edge.get("partitions"));
  }

  @Test
  public void tasksShowProcessedRateLagAndWatermarksAndStagesTheirTotals() {
    FakeTask s00 = new FakeTask(source(0)).watermarks(1000, 900).step("Split", 10, 30);
    FakeTask s01 = new FakeTask(source(1)).watermarks(2000, 800).step("Split", 5, 15);
    FakeTask s10 = new FakeTask(keyed(0), SIDE_0);
    register("0", "stage0-0", s00);
    register("1", "stage0-1", s01);
    register("0", "stage1-0", s10);
    // stage1-1's container registered nothing yet: its row is there, with no values.

    s00.processed.set(100);
    s01.processed.set(50);
    Map<String, Object> first = model.build(10 * SECOND, 0);
    assertNull("one sample: no rate yet", task(first, "stage0-0").get("throughput"));

    s00.processed.set(400); // +300 in 2 s
    s01.processed.set(60); // +10 in 2 s
    s10.processed.set(7);
    s10.lag.get(keyed(0)).set(12);
    s10.lag.get(SIDE_0).set(3);
    s00.lag.get(source(0)).set(4);
    Map<String, Object> status = model.build(12 * SECOND, 0);

    Map<String, Object> t00 = task(status, "stage0-0");
    assertEquals(400L, t00.get("processed"));
    assertEquals(150.0, t00.get("throughput"));
    assertEquals(1000L, t00.get("inputWatermark"));
    assertEquals(900L, t00.get("outputWatermark"));
    assertEquals("stage0", t00.get("stage"));
    assertEquals("0", t00.get("container"));
    assertEquals(5.0, task(status, "stage0-1").get("throughput"));

    Map<String, Object> t10 = task(status, "stage1-0");
    assertEquals(15L, t10.get("lag"));
    List<Map<String, Object>> inputs = list(t10.get("inputs"));
    assertEquals(12L, byKey(inputs, "partition", keyed(0).toString()).get("lag"));
    assertEquals(3L, byKey(inputs, "partition", SIDE_0.toString()).get("lag"));
    assertEquals("41", byKey(inputs, "partition", SIDE_0.toString()).get("offset"));
    assertEquals("7 since the first sample (0)", 3.5, t10.get("throughput"));
    assertNull("no stage metrics registered", t10.get("inputWatermark"));

    Map<String, Object> t11 = task(status, "stage1-1");
    assertEquals(Set.of(keyed(1).toString(), SIDE_0.toString()), partitions(t11));
    assertNull(t11.get("processed"));
    assertNull(t11.get("lag"));

    Map<String, Object> stage0 = stage(status, "stage0");
    assertEquals(460L, stage0.get("processed"));
    assertEquals(155.0, stage0.get("throughput"));
    assertEquals("the least of its tasks'", 1000L, stage0.get("inputWatermark"));
    assertEquals(800L, stage0.get("outputWatermark"));
    assertEquals("4 + 0", 4L, stage0.get("lag"));
    assertEquals(15L, stage(status, "stage1").get("lag"));
    assertEquals("a task without a rate adds none", 3.5, stage(status, "stage1").get("throughput"));

    Map<String, Object> split = byKey(list(status.get("transforms")), "step", "Split");
    assertEquals(15L, split.get("elementsIn"));
    assertEquals(45L, split.get("elementsOut"));
    assertNull(byKey(list(status.get("transforms")), "step", "Format").get("elementsIn"));
  }

  private static Set<Object> partitions(Map<String, Object> task) {
    return Set.copyOf(list(task.get("inputs")).stream().map(i -> i.get("partition")).toList());
  }

  @Test
  public void aRateIsKeptUntilTheNextSampleIsASecondApartAndResetsWhenTheCountDrops() {
    FakeTask t = new FakeTask(source(0));
    register("0", "stage0-0", t);
    t.processed.set(10);
    model.build(0, 0);
    t.processed.set(30);
    assertEquals(20.0, task(model.build(SECOND, 0), "stage0-0").get("throughput"));
    t.processed.set(1000);
    assertEquals(
        "a poll 0.1 s later shows the last rate",
        20.0,
        task(model.build(SECOND + SECOND / 10, 0), "stage0-0").get("throughput"));
    assertEquals(
        "970 more over 2 s", 485.0, task(model.build(3 * SECOND, 0), "stage0-0").get("throughput"));

    FakeTask restarted = new FakeTask(source(0));
    restarted.processed.set(5);
    register("0", "stage0-0", restarted);
    Map<String, Object> row = task(model.build(4 * SECOND, 0), "stage0-0");
    assertEquals(
        "the restarted container's registry replaced the old one", 5L, row.get("processed"));
    assertNull("a count that went down starts over", row.get("throughput"));
  }

  @Test
  public void containersShowTheirTasksStartRestartsAndCounts() {
    MetricsRegistryMap c0 = new MetricsRegistryMap();
    c0.newGauge("container", "messages-processed", () -> 99L);
    c0.newGauge("container", "messages-sent", () -> 33L);
    registries.register("0", "container", c0);
    model.follow(condition("RUNNING", null, Map.of("0", 2)));

    Map<String, Object> status = model.build(0, 1234);
    assertEquals("RUNNING", map(status.get("job")).get("state"));
    assertEquals(1234L, map(status.get("job")).get("time"));
    Map<String, Object> first = byKey(list(status.get("containers")), "id", "0");
    assertEquals(List.of("stage0-0", "stage1-0"), first.get("tasks"));
    assertEquals(true, first.get("started"));
    assertEquals(2, first.get("restarts"));
    assertEquals(99L, first.get("processed"));
    assertEquals(33L, first.get("sent"));
    assertEquals("node-0", first.get("host"));
    Map<String, Object> second = byKey(list(status.get("containers")), "id", "1");
    assertEquals(false, second.get("started"));
    assertEquals(0, second.get("restarts"));
    assertNull(second.get("processed"));
  }

  @Test
  public void stateIsStartingUntilTheJobIsFollowed() {
    assertEquals("STARTING", map(model.build(0, 0).get("job")).get("state"));
    assertEquals(List.of(), model.build(0, 0).get("failures"));
  }

  @Test
  public void aFailureShowsWhereTheUsersExceptionAndTheWholeTrace() {
    IllegalStateException user = new IllegalStateException("bad word: zebra");
    ContainerException failure =
        new ContainerException("1", new TaskName("stage1-1"), "process failed", user);
    model.follow(condition("FAILED", failure, Map.of()));

    List<Map<String, Object>> failures = list(model.build(0, 0).get("failures"));
    assertEquals(1, failures.size());
    Map<String, Object> f = failures.get(0);
    assertEquals("1", f.get("container"));
    assertEquals("stage1-1", f.get("task"));
    assertEquals("java.lang.IllegalStateException: bad word: zebra", f.get("message"));
    String trace = (String) f.get("stackTrace");
    assertThat(trace, containsString("ContainerException: process failed"));
    assertThat(trace, containsString("Caused by: java.lang.IllegalStateException: bad word"));
    assertThat(trace, containsString("StatusModelTest"));
  }

  private static JobCondition condition(
      String state, Throwable failure, Map<String, Integer> restarts) {
    return new JobCondition() {
      @Override
      public String state() {
        return state;
      }

      @Override
      public List<Map<String, Object>> failures() {
        return StatusModel.failures(failure);
      }

      @Override
      public String host(String containerId) {
        return "node-" + containerId;
      }

      @Override
      public Map<String, Integer> restarts() {
        return restarts;
      }
    };
  }
}
