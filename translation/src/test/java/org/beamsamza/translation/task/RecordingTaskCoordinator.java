package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.List;
import org.beamsamza.runtime.task.TaskCoordinator;

/** A {@link TaskCoordinator} that records commit and shutdown requests, also in a shared log. */
public final class RecordingTaskCoordinator implements TaskCoordinator {
  /** A request, as appended to the shared log. */
  public record Request(String kind, RequestScope scope) {}

  private final List<Request> commits = new ArrayList<>();
  private final List<Request> shutdowns = new ArrayList<>();
  private final List<Object> log;

  public RecordingTaskCoordinator(List<Object> log) {
    this.log = log;
  }

  @Override
  public void commit(RequestScope scope) {
    Request r = new Request("commit", scope);
    commits.add(r);
    log.add(r);
  }

  @Override
  public void shutdown(RequestScope scope) {
    Request r = new Request("shutdown", scope);
    shutdowns.add(r);
    log.add(r);
  }

  public List<Request> commits() {
    return List.copyOf(commits);
  }

  public List<Request> shutdowns() {
    return List.copyOf(shutdowns);
  }
}
