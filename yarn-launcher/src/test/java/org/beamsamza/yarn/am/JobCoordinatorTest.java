package org.beamsamza.yarn.am;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.local.ContainerRestartPolicy;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.yarn.ContainerReport;
import org.junit.Test;

/** The ApplicationMaster's decisions, driven through a fake cluster and timer (no YARN). */
public class JobCoordinatorTest {

  /** Records what the coordinator asks of the cluster. */
  static final class FakeCluster implements JobCoordinator.Cluster {
    final List<String> requests = new ArrayList<>();
    final List<String> withdrawn = new ArrayList<>();
    final List<String> launches = new ArrayList<>();
    final List<String> released = new ArrayList<>();

    @Override
    public void request(String containerId, String host) {
      requests.add(containerId + "@" + host);
    }

    @Override
    public void withdraw(String containerId) {
      withdrawn.add(containerId);
    }

    @Override
    public void launch(String containerId, int attempt, JobCoordinator.Slot slot) {
      launches.add(
          containerId + "#" + attempt + " in " + slot.yarnContainerId() + "@" + slot.host());
    }

    @Override
    public void release(JobCoordinator.Slot slot) {
      released.add(slot.yarnContainerId());
    }
  }

  /** Runs a restart's action when the test says so, after checking its delay. */
  static final class ManualTimer implements JobCoordinator.Timer {
    final List<Duration> delays = new ArrayList<>();
    final List<Runnable> actions = new ArrayList<>();

    @Override
    public void after(Duration delay, Runnable action) {
      delays.add(delay);
      actions.add(action);
    }

    void fireAll() {
      List<Runnable> due = new ArrayList<>(actions);
      actions.clear();
      due.forEach(Runnable::run);
    }
  }

  private final FakeCluster cluster = new FakeCluster();
  private final ManualTimer timer = new ManualTimer();

  static JobModel twoContainers() {
    Map<String, ContainerModel> containers = new LinkedHashMap<>();
    for (String id : List.of("0", "1")) {
      TaskName task = new TaskName("stage0-" + id);
      containers.put(
          id,
          new ContainerModel(
              id, Map.of(task, new TaskModel(task, "stage0", Integer.parseInt(id), 2, Set.of()))));
    }
    return new JobModel(containers);
  }

  private JobCoordinator coordinator(ContainerRestartPolicy policy) {
    return new JobCoordinator(twoContainers(), policy, cluster, timer);
  }

  private static JobCoordinator.Slot slot(String yarnId, String host) {
    return new JobCoordinator.Slot(yarnId, host, null);
  }

  private static ContainerRestartPolicy restarts(int count) {
    return new ContainerRestartPolicy(count, Duration.ofMinutes(5), Duration.ofSeconds(1));
  }

  private static ContainerReport failure(String yarnId, boolean reachedRunLoop, boolean after) {
    return new ContainerReport(
        "x",
        yarnId,
        42,
        null,
        null,
        new java.util.LinkedHashMap<>(),
        new ContainerReport.Failure(new byte[] {1}, "boom in " + yarnId, reachedRunLoop, after));
  }

  @Test
  public void everyContainerIsRequestedLaunchedOnceAndTheJobSucceedsWhenAllExitZero() {
    JobCoordinator c = coordinator(restarts(3));
    c.start();
    assertThat(cluster.requests, contains("0@null", "1@null"));
    c.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB"), slot("y3", "hostC")));
    assertThat(cluster.launches, contains("0#0 in y1@hostA", "1#0 in y2@hostB"));
    assertThat("a surplus container is given back", cluster.released, contains("y3"));
    assertThat(cluster.withdrawn, contains("0", "1"));

    c.onExit("y1", 0, "");
    assertThat(c.outcome(), nullValue());
    c.onExit("y2", 0, "");
    assertThat(c.outcome().succeeded(), equalTo(true));
  }

  @Test
  public void aFailedContainerIsRestartedAfterTheBackoffOnTheHostItRanOn() {
    JobCoordinator c = coordinator(restarts(3));
    c.start();
    c.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    c.onExit("y2", 137, "killed");
    assertThat("nothing asked before the backoff", cluster.requests.size(), equalTo(2));
    assertThat(timer.delays, contains(Duration.ofSeconds(1)));
    timer.fireAll();
    assertThat(cluster.requests.get(2), equalTo("1@hostB"));

    c.onAllocated(List.of(slot("y3", "hostB")));
    assertThat(cluster.launches.get(2), equalTo("1#1 in y3@hostB"));
    assertThat(c.restarts(), equalTo(Map.of("1", 1)));
    assertThat(c.outcome(), nullValue());
  }

  @Test
  public void anAllocationOnAFormerHostGoesToTheContainerThatRanThere() {
    JobCoordinator c = coordinator(restarts(3));
    c.start();
    c.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    c.onExit("y1", 137, "");
    c.onExit("y2", 137, "");
    timer.fireAll();
    c.onAllocated(List.of(slot("y3", "hostB"), slot("y4", "hostA")));
    assertThat(cluster.launches.subList(2, 4), contains("1#1 in y3@hostB", "0#1 in y4@hostA"));
  }

  @Test
  public void aNewRunAsksForTheHostsOfTheLastRunAndSavesWhereItRuns() {
    List<Map<String, String>> saved = new ArrayList<>();
    JobCoordinator c =
        new JobCoordinator(
            twoContainers(), restarts(1), cluster, timer, Map.of("1", "hostB"), saved::add);
    c.start();
    assertThat(cluster.requests, contains("0@null", "1@hostB"));
    c.onAllocated(List.of(slot("y1", "hostB"), slot("y2", "hostC")));
    assertThat(cluster.launches, contains("1#0 in y1@hostB", "0#0 in y2@hostC"));
    assertThat(saved.get(saved.size() - 1), equalTo(Map.of("0", "hostC", "1", "hostB")));
  }

  @Test
  public void restartsBeyondThePolicyFailTheJobWithTheUsersException() {
    JobCoordinator c = coordinator(restarts(1));
    c.start();
    c.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    c.onReport(failure("y1", true, false));
    c.onExit("y1", 1, "");
    timer.fireAll();
    c.onAllocated(List.of(slot("y3", "hostA")));
    c.onReport(failure("y3", true, false));
    c.onExit("y3", 1, "");
    JobCoordinator.Outcome outcome = c.outcome();
    assertThat(outcome.succeeded(), equalTo(false));
    assertThat(outcome.diagnostics(), containsString("failed 2 times"));
    assertThat(outcome.diagnostics(), containsString("boom in y3"));
    assertThat(outcome.userException(), equalTo(new byte[] {1}));
  }

  @Test
  public void aFirstInstanceFailingBeforeItsRunLoopIsNotRestarted() {
    JobCoordinator c = coordinator(restarts(5));
    c.start();
    c.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    c.onReport(failure("y1", false, false));
    c.onExit("y1", 1, "");
    assertThat(timer.actions, empty());
    assertThat(c.outcome().succeeded(), equalTo(false));
    assertThat(c.outcome().diagnostics(), containsString("boom in y1"));
  }

  @Test
  public void aFailureAfterProcessingFailsTheJobOnceTheOthersFinish() {
    JobCoordinator c = coordinator(restarts(5));
    c.start();
    c.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    c.onReport(failure("y1", true, true));
    c.onExit("y1", 1, "");
    assertThat("the other container finishes its work first", c.outcome(), nullValue());
    c.onExit("y2", 0, "");
    assertThat(c.outcome().succeeded(), equalTo(false));
    assertThat(timer.actions, empty());
  }

  @Test
  public void anExitWithoutAReportIsDescribedByItsStatusAndHost() {
    JobCoordinator c = coordinator(ContainerRestartPolicy.never());
    c.start();
    c.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    c.onExit("y1", 137, "Container killed on request");
    assertThat(
        c.outcome().diagnostics(),
        equalTo("Container 0 (y1 on hostA) exited with status 137: Container killed on request"));
  }

  @Test
  public void aJobWithNoContainersSucceedsAtOnce() {
    JobCoordinator c = new JobCoordinator(new JobModel(Map.of()), restarts(1), cluster, timer);
    c.start();
    assertThat(c.outcome().succeeded(), equalTo(true));
    assertThat(cluster.requests, empty());
  }
}
