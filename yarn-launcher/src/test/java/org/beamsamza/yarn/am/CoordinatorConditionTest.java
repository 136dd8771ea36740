package org.beamsamza.yarn.am;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.runner.status.StatusModel;
import org.beamsamza.runtime.local.ContainerRestartPolicy;
import org.beamsamza.yarn.ContainerReport;
import org.junit.Test;

/** The status page's view of a YARN job, driven through a coordinator with a fake cluster. */
public class CoordinatorConditionTest {
  private static final String TRACE =
      "java.lang.IllegalStateException: user code failed\n"
          + "\tat com.example.Fn.process(Fn.java:12)\n"
          + "\tat org.beamsamza.Runner.run(Runner.java:34)\n";

  private final JobCoordinatorTest.FakeCluster cluster = new JobCoordinatorTest.FakeCluster();
  private final JobCoordinatorTest.ManualTimer timer = new JobCoordinatorTest.ManualTimer();

  /** Two containers, one restart allowed; container 0 ran on oldHost in the job's last run. */
  private final JobCoordinator coordinator =
      new JobCoordinator(
          JobCoordinatorTest.twoContainers(),
          new ContainerRestartPolicy(1, Duration.ofMinutes(5), Duration.ofSeconds(1)),
          cluster,
          timer,
          Map.of("0", "oldHost"),
          hosts -> {});

  private final CoordinatorCondition condition = new CoordinatorCondition(coordinator);

  private static JobCoordinator.Slot slot(String yarnId, String host) {
    return new JobCoordinator.Slot(yarnId, host, null);
  }

  private static ContainerReport failure(String yarnId, String text) {
    return new ContainerReport(
        "x",
        yarnId,
        42,
        null,
        null,
        new LinkedHashMap<>(),
        new ContainerReport.Failure(new byte[] {1}, text, true, false));
  }

  @Test
  public void beforeAnyLaunchTheJobRunsWithoutHostsFailuresOrRestarts() {
    coordinator.start();
    assertThat(condition.state(), equalTo("RUNNING"));
    assertThat(
        "the last run's host is only asked for, not where the container runs",
        condition.host("0"),
        nullValue());
    assertThat(condition.host("1"), nullValue());
    assertThat(condition.failures(), empty());
    assertThat(condition.restarts(), equalTo(Map.of()));
  }

  @Test
  public void aRestartedContainerShowsItsFailureRestartAndNewHost() {
    coordinator.start();
    coordinator.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    assertThat(condition.host("0"), equalTo("hostA"));
    assertThat(condition.host("1"), equalTo("hostB"));

    coordinator.onReport(failure("y2", TRACE));
    coordinator.onExit("y2", 1, "");
    assertThat(condition.state(), equalTo("RUNNING"));
    assertThat(condition.restarts(), equalTo(Map.of("1", 1)));
    List<Map<String, Object>> failures = condition.failures();
    assertThat(failures, hasSize(1));
    Map<String, Object> f = failures.get(0);
    assertThat(f.get("container"), equalTo("1"));
    assertThat("a report does not say which task threw", f.get("task"), nullValue());
    assertThat(f.get("message"), equalTo("java.lang.IllegalStateException: user code failed"));
    assertThat(f.get("stackTrace"), equalTo(TRACE));
    assertThat(
        "until it is launched again, where it last ran", condition.host("1"), equalTo("hostB"));

    timer.fireAll();
    coordinator.onAllocated(List.of(slot("y3", "hostC")));
    assertThat(condition.host("1"), equalTo("hostC"));
    assertThat("the cured failure stays visible", condition.failures(), hasSize(1));
  }

  @Test
  public void anExitWithoutAReportIsShownByYarnsDiagnosticsAndTheJobFails() {
    coordinator.start();
    coordinator.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    coordinator.onExit("y1", 137, "Container killed on request\nExit code is 137");
    timer.fireAll();
    coordinator.onAllocated(List.of(slot("y3", "hostA")));
    coordinator.onExit("y3", 137, "killed again");

    assertThat(condition.state(), equalTo("FAILED"));
    List<Map<String, Object>> failures = condition.failures();
    assertThat(failures, hasSize(1));
    assertThat(
        failures.get(0).get("message"),
        equalTo("Container 0 (y3 on hostA) exited with status 137: killed again"));
  }

  @Test
  public void theJobSucceedsWhenEveryContainerExitsZero() {
    coordinator.start();
    coordinator.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    coordinator.onExit("y1", 0, "");
    assertThat(condition.state(), equalTo("RUNNING"));
    coordinator.onExit("y2", 0, "");
    assertThat(condition.state(), equalTo("SUCCEEDED"));
  }

  @Test
  public void aHugeStackTraceIsCut() {
    String huge = "java.lang.StackOverflowError\n" + "\tat f(F.java:1)\n".repeat(10_000);
    coordinator.start();
    coordinator.onAllocated(List.of(slot("y1", "hostA"), slot("y2", "hostB")));
    coordinator.onReport(failure("y1", huge));
    coordinator.onExit("y1", 1, "");
    String trace = (String) condition.failures().get(0).get("stackTrace");
    assertThat(trace.length() <= StatusModel.MAX_STACK_TRACE_CHARS + 20, equalTo(true));
    assertThat(trace, endsWith("... (cut)"));
    assertThat(condition.failures().get(0).get("message"), equalTo("java.lang.StackOverflowError"));
  }
}
