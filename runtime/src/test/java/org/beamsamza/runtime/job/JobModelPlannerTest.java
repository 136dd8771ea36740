package org.beamsamza.runtime.job;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Test;

public class JobModelPlannerTest {
  private static final SystemStream A = new SystemStream("mem", "a");
  private static final SystemStream B = new SystemStream("mem", "b");
  private static final SystemStream SIDE = new SystemStream("mem", "side");

  private static Map<SystemStream, Integer> inputs(Object... streamAndCount) {
    Map<SystemStream, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < streamAndCount.length; i += 2) {
      m.put((SystemStream) streamAndCount[i], (Integer) streamAndCount[i + 1]);
    }
    return m;
  }

  private static Map<TaskName, TaskModel> allTasks(JobModel job) {
    Map<TaskName, TaskModel> all = new HashMap<>();
    for (ContainerModel c : job.getContainers().values()) {
      for (TaskModel t : c.getTasks().values()) {
        if (all.put(t.getTaskName(), t) != null) {
          throw new AssertionError(t.getTaskName() + " is in two containers");
        }
      }
    }
    return all;
  }

  @Test
  public void taskCountIsLargestPartitionCountAndTaskIReadsPartitionI() {
    StageSpec s = new StageSpec("S", inputs(A, 4, B, 2), Map.of());
    Map<TaskName, TaskModel> tasks = allTasks(JobModelPlanner.plan(List.of(s), 1));

    assertEquals(4, tasks.size());
    assertEquals(
        Set.of(A.partition(1), B.partition(1)), tasks.get(new TaskName("S-1")).getInputs());
    assertEquals(Set.of(A.partition(3)), tasks.get(new TaskName("S-3")).getInputs());
    TaskModel t2 = tasks.get(new TaskName("S-2"));
    assertEquals("S", t2.getStageId());
    assertEquals(2, t2.getTaskIndex());
  }

  @Test
  public void broadcastInputsGoToEveryTask() {
    StageSpec s = new StageSpec("S", inputs(A, 3), inputs(SIDE, 2));
    Map<TaskName, TaskModel> tasks = allTasks(JobModelPlanner.plan(List.of(s), 2));

    assertEquals(3, tasks.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(
          Set.of(A.partition(i), SIDE.partition(0), SIDE.partition(1)),
          tasks.get(new TaskName("S-" + i)).getInputs());
    }
  }

  @Test
  public void tasksAreSpreadRoundRobinAndDeterministically() {
    List<StageSpec> stages =
        List.of(
            new StageSpec("X", inputs(A, 4), Map.of()), new StageSpec("Y", inputs(B, 3), Map.of()));
    JobModel job = JobModelPlanner.plan(stages, 3);

    assertEquals(Set.of("0", "1", "2"), job.getContainers().keySet());
    List<Integer> sizes = new ArrayList<>();
    job.getContainers().values().forEach(c -> sizes.add(c.getTasks().size()));
    assertEquals(List.of(3, 2, 2), sizes);
    assertEquals(7, allTasks(job).size());
    assertEquals(
        Set.of(new TaskName("X-0"), new TaskName("X-3"), new TaskName("Y-2")),
        job.getContainers().get("0").getTasks().keySet());
    assertEquals(job.toString(), JobModelPlanner.plan(stages, 3).toString());
  }

  @Test
  public void neverMoreContainersThanTasks() {
    JobModel job = JobModelPlanner.plan(List.of(new StageSpec("S", inputs(A, 2), Map.of())), 5);
    assertEquals(Set.of("0", "1"), job.getContainers().keySet());
  }

  @Test
  public void rejectsBadArguments() {
    StageSpec s = new StageSpec("S", inputs(A, 2), Map.of());
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> JobModelPlanner.plan(List.of(s), 0))
            .getMessage(),
        containsString("containerCount"));
    assertThrows(IllegalArgumentException.class, () -> JobModelPlanner.plan(List.of(), 1));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> JobModelPlanner.plan(List.of(s, s), 1))
            .getMessage(),
        containsString("S"));
    StageSpec zero = new StageSpec("Z", inputs(A, 2), inputs(SIDE, 0));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> JobModelPlanner.plan(List.of(zero), 1))
            .getMessage(),
        containsString("mem.side"));
  }

  @Test
  public void onlyPartitionsWithOneReaderInTheJobAreTrimmable() {
    List<StageSpec> stages =
        List.of(
            new StageSpec("X", inputs(A, 2), inputs(SIDE, 1)),
            new StageSpec("Y", inputs(B, 2), Map.of()),
            new StageSpec("Z", inputs(B, 1), Map.of()));
    Set<SystemStreamPartition> single =
        JobModelPlanner.singleReaderPartitions(JobModelPlanner.plan(stages, 2));
    // side[0] is read by; b[0] by Y-0 and Z-0.
    assertEquals(Set.of(A.partition(0), A.partition(1), B.partition(1)), single);
  }
}
