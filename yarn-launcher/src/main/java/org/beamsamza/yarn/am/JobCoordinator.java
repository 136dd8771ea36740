package org.beamsamza.yarn.am;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.local.ContainerRestartPolicy;
import org.beamsamza.yarn.ContainerReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ApplicationMaster's decisions, apart from YARN's client calls (which {@link Cluster} makes):
 * asks for one YARN container per container of the job model, runs that container's tasks in the
 * first YARN container allocated for it (preferring the host it ran on before, in this run or the
 * job's last one, whose disk may hold its stores: host affinity), restarts a container whose
 * process fails as the {@link ContainerRestartPolicy} allows, and decides the job's outcome:
 * SUCCEEDED once every container exited 0 (a bounded pipeline finished), FAILED with the failure
 * that could not be restarted.
 *
 * <p>Not restarted, because a restart cannot cure them (as in a local run): a failure of a
 * container's first instance before it reached its run loop (bad configuration or plan), and a
 * failure after the container finished its work (the job fails once the others finish theirs).
 *
 * <p>Thread-safe: YARN's callbacks, the restart timer and the status server call it concurrently.
 */
public final class JobCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(JobCoordinator.class);

  /** What the coordinator asks of the cluster; {@link YarnCluster} does it through YARN. */
  public interface Cluster {
    /** Asks for a container for job-model container {@code containerId}, on {@code host} if set. */
    void request(String containerId, String host);

    /** Withdraws the request made for {@code containerId}: a container was allocated for it. */
    void withdraw(String containerId);

    /** Starts container {@code containerId}'s process ({@code attempt} 0 first) in {@code slot}. */
    void launch(String containerId, int attempt, Slot slot);

    /** Gives back a container no job-model container needs. */
    void release(Slot slot);
  }

  /** Runs {@code action} after {@code delay} (a restart's backoff). */
  public interface Timer {
    void after(Duration delay, Runnable action);
  }

  /** A YARN container: its id and host. */
  public record Slot(String yarnContainerId, String host, Object handle) {}

  /** The job's end. */
  public record Outcome(boolean succeeded, String diagnostics, byte[] userException) {}

  enum State {
    PENDING,
    RUNNING,
    WAITING_TO_RESTART,
    FINISHED,
    FAILED
  }

  /** One container of the job model, across its instances. */
  static final class Tracked {
    final ContainerModel model;
    State state = State.PENDING;
    int attempts;
    Slot slot;
    String lastHost;
    ContainerReport.Failure reportedFailure;
    String lastFailureText;
    long pid;

    Tracked(ContainerModel model) {
      this.model = model;
    }
  }

  private final Map<String, Tracked> containers = new LinkedHashMap<>();
  private final Map<String, String> byYarnId = new HashMap<>();
  private final ContainerRestartPolicy restartPolicy;
  private final Cluster cluster;
  private final Timer timer;
  private final Consumer<Map<String, String>> hostsChanged;
  private final CountDownLatch ended = new CountDownLatch(1);
  private Outcome outcome;
  private Outcome pendingFailure;

  public JobCoordinator(
      JobModel jobModel, ContainerRestartPolicy restartPolicy, Cluster cluster, Timer timer) {
    this(jobModel, restartPolicy, cluster, timer, Map.of(), hosts -> {});
  }

  /**
   * @param formerHosts where each container ran in an earlier run of the job: asked for first
   * @param hostsChanged told where each container runs whenever one is launched (to be saved for
   *     the next run's {@code formerHosts})
   */
  public JobCoordinator(
      JobModel jobModel,
      ContainerRestartPolicy restartPolicy,
      Cluster cluster,
      Timer timer,
      Map<String, String> formerHosts,
      Consumer<Map<String, String>> hostsChanged) {
    for (ContainerModel m : jobModel.getContainers().values()) {
      Tracked t = new Tracked(m);
      t.lastHost = formerHosts.get(m.getContainerId());
      containers.put(m.getContainerId(), t);
    }
    this.restartPolicy = restartPolicy;
    this.cluster = cluster;
    this.timer = timer;
    this.hostsChanged = hostsChanged;
  }

  /** Asks for every container; a job of no containers succeeds at once. */
  public synchronized void start() {
    if (containers.isEmpty()) {
      end(new Outcome(true, "The job has no tasks", null));
      return;
    }
    containers.values().forEach(t -> cluster.request(t.model.getContainerId(), t.lastHost));
  }

  /** YARN allocated containers: each runs a pending container, its former host first. */
  public synchronized void onAllocated(List<Slot> slots) {
    List<Slot> unmatched = new ArrayList<>();
    for (Slot slot : slots) {
      Tracked t = outcome == null ? pendingFor(slot.host()) : null;
      if (t == null) {
        unmatched.add(slot);
        continue;
      }
      cluster.withdraw(t.model.getContainerId());
      t.slot = slot;
      t.lastHost = slot.host();
      t.state = State.RUNNING;
      t.reportedFailure = null;
      t.pid = 0;
      byYarnId.put(slot.yarnContainerId(), t.model.getContainerId());
      int attempt = t.attempts++;
      LOG.info(
          "Launching container {} (instance {}) in {} on {}",
          t.model.getContainerId(),
          attempt,
          slot.yarnContainerId(),
          slot.host());
      cluster.launch(t.model.getContainerId(), attempt, slot);
    }
    unmatched.forEach(cluster::release);
    if (unmatched.size() < slots.size()) {
      Map<String, String> hosts = new LinkedHashMap<>();
      containers.forEach(
          (id, t) -> {
            if (t.lastHost != null) {
              hosts.put(id, t.lastHost);
            }
          });
      hostsChanged.accept(hosts);
    }
  }

  /** A pending container that ran on {@code host} before, else the first pending one. */
  private Tracked pendingFor(String host) {
    Tracked first = null;
    for (Tracked t : containers.values()) {
      if (t.state != State.PENDING) {
        continue;
      }
      if (host != null && host.equals(t.lastHost)) {
        return t;
      }
      if (first == null) {
        first = t;
      }
    }
    return first;
  }

  /** A container's report; a failure is kept until its process exits. */
  public synchronized void onReport(ContainerReport report) {
    String id = byYarnId.get(report.yarnContainerId());
    if (id == null) {
      return; // a report of an instance that has ended
    }
    Tracked t = containers.get(id);
    t.pid = report.pid();
    if (report.failure() != null) {
      t.reportedFailure = report.failure();
    }
  }

  /** A container's process could not be started. */
  public synchronized void onLaunchFailed(String yarnContainerId, Throwable t) {
    onExit(yarnContainerId, -1, "could not be started: " + t);
  }

  /** A container's process exited with {@code exitStatus} (YARN's diagnostics alongside). */
  public synchronized void onExit(String yarnContainerId, int exitStatus, String diagnostics) {
    String id = byYarnId.remove(yarnContainerId);
    if (id == null || outcome != null) {
      return;
    }
    Tracked t = containers.get(id);
    t.slot = null;
    if (exitStatus == 0) {
      t.state = State.FINISHED;
      LOG.info("Container {} finished its work ({})", id, yarnContainerId);
      endIfAllStopped();
      return;
    }
    ContainerReport.Failure failure = t.reportedFailure;
    String text =
        failure != null
            ? failure.text()
            : "Container "
                + id
                + " ("
                + yarnContainerId
                + " on "
                + t.lastHost
                + ") exited with status "
                + exitStatus
                + (diagnostics == null || diagnostics.isBlank() ? "" : ": " + diagnostics.trim());
    t.lastFailureText = text;
    byte[] userException = failure == null ? null : failure.exception();
    if (failure != null && failure.afterProcessing()) {
      LOG.error(
          "Container {} failed after finishing its work; the job fails once the others do", id);
      t.state = State.FAILED;
      if (pendingFailure == null) {
        pendingFailure = new Outcome(false, text, userException);
      }
      endIfAllStopped();
      return;
    }
    if (!restartPolicy.restartsAnything()) {
      fail(t, text, userException);
      return;
    }
    if (failure != null && t.attempts == 1 && !failure.reachedRunLoop()) {
      LOG.error(
          "Container {} failed while starting, before it processed anything: not restarting it, a"
              + " restart would fail the same way",
          id);
      fail(t, text, userException);
      return;
    }
    ContainerRestartPolicy.Decision decision = restartPolicy.onFailure(id);
    if (!decision.restart()) {
      fail(
          t,
          "Container "
              + id
              + " failed "
              + (decision.restarts() + 1)
              + " times; no more restarts ("
              + decision.limits()
              + "). Last failure: "
              + text,
          userException);
      return;
    }
    LOG.warn(
        "Container {} failed (exit {}); restarting it in {} ms on {} if possible (restart {}; {})."
            + " Cause: {}",
        id,
        exitStatus,
        decision.backoff().toMillis(),
        t.lastHost,
        decision.restarts(),
        decision.limits(),
        text);
    t.state = State.WAITING_TO_RESTART;
    timer.after(decision.backoff(), () -> requestAgain(t));
  }

  private synchronized void requestAgain(Tracked t) {
    if (outcome != null || t.state != State.WAITING_TO_RESTART) {
      return;
    }
    t.state = State.PENDING;
    cluster.request(t.model.getContainerId(), t.lastHost);
  }

  private void fail(Tracked t, String text, byte[] userException) {
    t.state = State.FAILED;
    end(new Outcome(false, text, userException));
  }

  private void endIfAllStopped() {
    for (Tracked t : containers.values()) {
      if (t.state != State.FINISHED && t.state != State.FAILED) {
        return;
      }
    }
    end(
        pendingFailure != null
            ? pendingFailure
            : new Outcome(true, "Every container finished", null));
  }

  private void end(Outcome o) {
    if (outcome == null) {
      outcome = o;
      LOG.info("Job {}: {}", o.succeeded() ? "SUCCEEDED" : "FAILED", o.diagnostics());
      ended.countDown();
    }
  }

  /** Waits for the job's outcome. */
  public Outcome awaitOutcome() throws InterruptedException {
    ended.await();
    synchronized (this) {
      return outcome;
    }
  }

  /** The outcome, or null while the job runs. */
  public synchronized Outcome outcome() {
    return outcome;
  }

  /** Restarts so far by container id (never restarted: absent). */
  public Map<String, Integer> restarts() {
    return restartPolicy.restarts();
  }

  /**
   * The host container {@code containerId} runs or last ran on in this run; null before its first
   * launch (the host of an earlier run, which it is asked on, is no fact about this one).
   */
  public synchronized String host(String containerId) {
    Tracked t = containers.get(containerId);
    return t == null || t.attempts == 0 ? null : t.lastHost;
  }

  /** The last failure of each container that failed so far (restarted or not), by container id. */
  public synchronized Map<String, String> lastFailures() {
    Map<String, String> failures = new LinkedHashMap<>();
    containers.forEach(
        (id, t) -> {
          if (t.lastFailureText != null) {
            failures.put(id, t.lastFailureText);
          }
        });
    return failures;
  }

  /** Each container: its state, YARN container, host, instances and tasks (the JSON status). */
  public synchronized List<Map<String, Object>> describeContainers() {
    List<Map<String, Object>> list = new ArrayList<>();
    Map<String, Integer> restarts = restartPolicy.restarts();
    for (Tracked t : containers.values()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", t.model.getContainerId());
      c.put("state", t.state.name());
      c.put("yarnContainerId", t.slot == null ? null : t.slot.yarnContainerId());
      c.put("host", t.lastHost);
      c.put("pid", t.state == State.RUNNING && t.pid != 0 ? t.pid : null);
      c.put("instances", t.attempts);
      c.put("restarts", restarts.getOrDefault(t.model.getContainerId(), 0));
      c.put("tasks", t.model.getTasks().keySet().stream().map(Object::toString).sorted().toList());
      if (t.lastFailureText != null) {
        c.put("lastFailure", t.lastFailureText);
      }
      list.add(c);
    }
    return list;
  }
}
