package org.beamsamza.yarn.am;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.runner.status.JobCondition;
import org.beamsamza.runner.status.StatusModel;

/**
 * The status page's view of a YARN job's life, read from its {@link JobCoordinator}: the job's
 * state as the AM's JSON status gives it, each container's last failure, restarts and the host of
 * each container's current (or last) YARN container.
 *
 * <p>As on a local job's page, failures a restart cured are listed too (a YARN job's containers run
 * on other machines, and the page is where one sees why a container was restarted without reading
 * its logs); here it is the last failure of each container that failed, as its report or YARN's
 * exit diagnostics tell it.
 */
final class CoordinatorCondition implements JobCondition {
  private final JobCoordinator coordinator;

  CoordinatorCondition(JobCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  /** {@code RUNNING} until the job has an outcome, then {@code SUCCEEDED} or {@code FAILED}. */
  static String state(JobCoordinator.Outcome outcome) {
    if (outcome == null) {
      return "RUNNING";
    }
    return outcome.succeeded() ? "SUCCEEDED" : "FAILED";
  }

  @Override
  public String state() {
    return state(coordinator.outcome());
  }

  /**
   * One per container that failed, in the job model's order: its id, no task (a container's report
   * does not say which of its tasks threw), the failure's first line as the message and the whole
   * text (the user's exception's stack trace, or YARN's exit diagnostics) as the stack trace.
   */
  @Override
  public List<Map<String, Object>> failures() {
    List<Map<String, Object>> failures = new ArrayList<>();
    coordinator
        .lastFailures()
        .forEach(
            (container, text) -> {
              Map<String, Object> f = new LinkedHashMap<>();
              f.put("container", container);
              f.put("task", null);
              f.put("message", text.strip().lines().findFirst().orElse(""));
              f.put("stackTrace", cut(text));
              failures.add(f);
            });
    return failures;
  }

  @Override
  public String host(String containerId) {
    return coordinator.host(containerId);
  }

  @Override
  public Map<String, Integer> restarts() {
    return coordinator.restarts();
  }

  private static String cut(String text) {
    return text.length() <= StatusModel.MAX_STACK_TRACE_CHARS
        ? text
        : text.substring(0, StatusModel.MAX_STACK_TRACE_CHARS) + "\n... (cut)";
  }
}
