package org.beamsamza.runtime.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.container.ContainerMetrics;
import org.beamsamza.runtime.container.SamzaContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control of a job started by {@link LocalJobRunner}.
 *
 * <p>A container that fails while processing is restarted in place when its {@link
 * ContainerRestartPolicy} allows: a new {@link SamzaContainer} for the same container model (its
 * tasks restore their stores from their changelogs and read on from their last checkpoints), after
 * a backoff, while the other containers keep running. Not restarted, because a restart cannot cure
 * them: a failure of a container's first instance before it reached its run loop (creating or
 * initializing tasks, reading checkpoints, starting consumers: a bad configuration or plan fails
 * the same way again), and a failure after a container finished all its work. When a container may
 * not be restarted (any more), the job is one unit: the others are stopped and the job is FAILED
 * with that failure ({@link ContainerRestartsExhaustedException} if restarts were tried). A
 * container that failed only after it had finished all its work (a task's {@code close()}, e.g. a
 * DoFn's {@code @Teardown}, threw) does not stop the others: they finish their own work, and the
 * job then ends FAILED with that failure.
 *
 * <p>A final status is set once every container thread has ended and the job's {@code afterStop}
 * action (e.g. deleting temporary stores) has run, so after {@link #waitForFinish} returns nothing
 * of the job still runs. The one exception is {@link #kill}: container threads are interrupted, and
 * a thread that ignores the interrupt (user code spinning) is abandoned after the kill grace
 * period: the job is then KILLED while that thread runs on by itself; the {@code afterStop} action
 * runs when it ends.
 *
 * <p>Container threads are daemon threads; one non-daemon thread per job keeps the JVM alive until
 * the job has a final status, so a {@code main} that starts a job and returns still lets it run to
 * its end, while an abandoned thread cannot keep the JVM alive.
 */
public final class JobHandle {
  private static final Logger LOG = LoggerFactory.getLogger(JobHandle.class);

  /** How long {@link #kill} waits for interrupted containers before abandoning their threads. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);

  /** Makes a new instance of each container, by container id: one per start and restart. */
  private final Map<String, Supplier<SamzaContainer>> containerFactories;

  private final CheckpointManager checkpointManager;
  private final Runnable afterStop;
  private final Duration killGrace;
  private final ContainerRestartPolicy restartPolicy;
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);

  /** Counted down when no container may be restarted any more (kill, or the job failed). */
  private final CountDownLatch noMoreRestarts = new CountDownLatch(1);

  private final Object lock = new Object();

  /** The running (or last) instance of each container, by id; guarded by {@link #lock}. */
  private final Map<String, SamzaContainer> current = new LinkedHashMap<>();

  private volatile JobStatus status = JobStatus.NEW;
  private Throwable failure;
  private boolean killed;
  private boolean stopping;
  private int running;

  JobHandle(
      Map<String, Supplier<SamzaContainer>> containerFactories,
      CheckpointManager checkpointManager,
      Runnable afterStop,
      Duration killGrace,
      ContainerRestartPolicy restartPolicy) {
    this.containerFactories = new LinkedHashMap<>(containerFactories);
    this.checkpointManager = checkpointManager;
    this.afterStop = afterStop;
    this.killGrace = killGrace;
    this.restartPolicy = restartPolicy;
  }

  void start() {
    checkpointManager.start();
    synchronized (lock) {
      running = containerFactories.size();
      status = JobStatus.RUNNING;
      if (containerFactories.isEmpty()) {
        containersStopped();
        return;
      }
      for (String id : containerFactories.keySet()) {
        Thread t = new Thread(() -> runContainer(id), "container-" + id);
        t.setDaemon(true);
        threads.add(t);
      }
    }
    Thread keepAlive = new Thread(this::awaitQuietly, "job-keep-alive");
    keepAlive.setDaemon(false);
    keepAlive.start();
    threads.forEach(Thread::start);
  }

  public JobStatus getStatus() {
    return status;
  }

  /**
   * The first container failure (a {@code ContainerException} whose cause is the original), or
   * null.
   */
  public Throwable getFailure() {
    synchronized (lock) {
      return failure;
    }
  }

  /**
   * Waits until the job ends or the timeout passes; returns the status then (RUNNING on timeout).
   */
  public JobStatus waitForFinish(Duration timeout) throws InterruptedException {
    done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return status;
  }

  /** Waits until the job ends; returns its final status. */
  public JobStatus waitForFinish() throws InterruptedException {
    done.await();
    return status;
  }

  /**
   * Asks every container to stop without a final commit, interrupts their threads (so that user
   * code blocked in a sleep, a wait or interruptible I/O returns), and returns at once. The status
   * becomes KILLED when they have stopped, or after the kill grace period if a thread ignores the
   * interrupt ({@link #waitForFinish} waits for that). No effect on an ended job.
   */
  public void kill() {
    List<SamzaContainer> running;
    synchronized (lock) {
      if (status.isTerminal() || killed) {
        return;
      }
      killed = true;
      running = new ArrayList<>(current.values());
    }
    noMoreRestarts.countDown(); // a container waiting to be restarted stops waiting, not restarted
    LOG.info("Killing the job: stopping {} container(s)", running.size());
    running.forEach(SamzaContainer::shutdown);
    interruptContainerThreads();
    Thread abandon = new Thread(this::abandonAfterGrace, "job-kill-grace");
    abandon.setDaemon(true);
    abandon.start();
  }

  /**
   * Live metrics of every container, by container id (of its current instance: a restarted
   * container counts from its restart).
   */
  public Map<String, ContainerMetrics> getContainerMetrics() {
    Map<String, ContainerMetrics> m = new LinkedHashMap<>();
    synchronized (lock) {
      for (SamzaContainer c : current.values()) {
        m.put(c.getContainerId(), c.getMetrics());
      }
    }
    return m;
  }

  /** How many times each container was restarted so far, by id (never restarted: absent). */
  public Map<String, Integer> getContainerRestarts() {
    return restartPolicy.restarts();
  }

  private void interruptContainerThreads() {
    synchronized (lock) {
      for (Thread t : threads) {
        t.interrupt();
      }
    }
  }

  private void abandonAfterGrace() {
    try {
      if (done.await(killGrace.toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      return;
    }
    List<String> stuck = new ArrayList<>();
    synchronized (lock) {
      if (status.isTerminal()) {
        return;
      }
      for (Thread t : threads) {
        if (t.isAlive()) {
          stuck.add(t.getName());
        }
      }
      status = JobStatus.KILLED;
    }
    LOG.warn(
        "Job killed, but {} did not stop within {} ms of being interrupted (user code that ignores"
            + " interrupts); abandoning them: they run on as daemon threads until that code"
            + " returns, and the job's temporary stores are deleted then",
        stuck,
        killGrace.toMillis());
    done.countDown();
  }

  /** Runs a container, and each of its restarts, on the calling thread (the container's own). */
  private void runContainer(String containerId) {
    try {
      boolean firstInstance = true;
      while (true) {
        SamzaContainer container;
        synchronized (lock) {
          if (killed || stopping) {
            return;
          }
          container = containerFactories.get(containerId).get();
          current.put(containerId, container);
        }
        try {
          container.run();
          return;
        } catch (Throwable t) {
          if (!restartAfter(container, firstInstance, t)) {
            return;
          }
        }
        firstInstance = false;
      }
    } finally {
      boolean last;
      synchronized (lock) {
        last = --running == 0;
      }
      if (last) {
        containersStopped();
      }
    }
  }

  /**
   * Decides what a container's failure means: true to restart it (after the backoff, which a kill
   * or the job's failure cuts short with false); otherwise the failure is recorded for the job.
   */
  private boolean restartAfter(SamzaContainer container, boolean firstInstance, Throwable t) {
    String id = container.getContainerId();
    rememberFailure(id, t);
    synchronized (lock) {
      if (killed) {
        LOG.info("Container {} stopped after the kill: {}", id, t.toString());
        return false;
      }
      if (stopping) {
        LOG.warn("Container {} also failed", id, t);
        return false;
      }
    }
    if (t instanceof ContainerException ce && ce.isAfterProcessing()) {
      recordFailure(container, t);
      return false;
    }
    if (!restartPolicy.restartsAnything()) {
      recordFailure(container, t);
      return false;
    }
    if (firstInstance && !container.reachedRunLoop()) {
      LOG.error(
          "Container {} failed while starting, before it processed anything (configuration, plan,"
              + " task init): not restarting it, a restart would fail the same way",
          id);
      recordFailure(container, t);
      return false;
    }
    ContainerRestartPolicy.Decision decision = restartPolicy.onFailure(id);
    if (!decision.restart()) {
      recordFailure(
          container,
          new ContainerRestartsExhaustedException(id, decision.restarts(), decision.limits(), t));
      return false;
    }
    LOG.warn(
        "Container {} failed; restarting it in {} ms (restart {}, {} within the retry window; {})."
            + " Its tasks restore their stores from their changelogs and read on from their last"
            + " checkpoints. Cause: {}",
        id,
        decision.backoff().toMillis(),
        decision.restarts(),
        decision.restartsInWindow(),
        decision.limits(),
        t.toString(),
        t);
    try {
      if (noMoreRestarts.await(decision.backoff().toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.info("Container {} is not restarted: the job is stopping", id);
        return false;
      }
    } catch (InterruptedException e) {
      // Only a kill interrupts container threads.
      LOG.info("Container {} is not restarted: interrupted while waiting to restart", id);
      return false;
    }
    return true;
  }

  /** How many container failures {@link #getRecentFailures} keeps. */
  public static final int RECENT_FAILURES = 10;

  /** A container's failure, restarted or not, and when it happened. */
  public record ContainerFailure(String containerId, long epochMillis, Throwable failure) {}

  private final java.util.ArrayDeque<ContainerFailure> recentFailures =
      new java.util.ArrayDeque<>();

  private void rememberFailure(String containerId, Throwable t) {
    synchronized (recentFailures) {
      if (recentFailures.size() == RECENT_FAILURES) {
        recentFailures.removeFirst();
      }
      recentFailures.addLast(new ContainerFailure(containerId, System.currentTimeMillis(), t));
    }
  }

  /**
   * The last {@value #RECENT_FAILURES} container failures, oldest first, including those a restart
   * cured (the status page lists them; {@link #getFailure} is only the one that ends the job).
   */
  public List<ContainerFailure> getRecentFailures() {
    synchronized (recentFailures) {
      return List.copyOf(recentFailures);
    }
  }

  /** A failure that ends the container for good, and so (eventually) the job. */
  private void recordFailure(SamzaContainer container, Throwable t) {
    boolean first;
    boolean afterProcessing = t instanceof ContainerException ce && ce.isAfterProcessing();
    List<SamzaContainer> others = List.of();
    synchronized (lock) {
      first = failure == null && !killed;
      if (first) {
        failure = t;
      }
      if (!afterProcessing && !killed && !stopping) {
        stopping = true;
        others = new ArrayList<>(current.values());
      }
    }
    if (!first) {
      LOG.warn("Container {} also failed", container.getContainerId(), t);
    } else if (afterProcessing) {
      // Its work is done and committed; the others finish theirs, then the job fails.
      LOG.error(
          "Container {} failed after finishing its work; the job fails once the other containers"
              + " finish",
          container.getContainerId(),
          t);
    } else {
      LOG.error("Container {} failed; stopping the job", container.getContainerId(), t);
    }
    if (!others.isEmpty()) {
      noMoreRestarts.countDown();
      others.forEach(SamzaContainer::shutdown);
    }
  }

  /** Runs once, when the last container thread has ended. */
  private void containersStopped() {
    try {
      checkpointManager.stop();
    } catch (RuntimeException e) {
      LOG.warn("Stopping the checkpoint manager failed", e);
    }
    try {
      afterStop.run();
    } catch (RuntimeException e) {
      LOG.warn("The job's after-stop action failed", e);
    }
    synchronized (lock) {
      if (!status.isTerminal()) {
        status =
            failure != null ? JobStatus.FAILED : killed ? JobStatus.KILLED : JobStatus.SUCCEEDED;
      }
    }
    done.countDown();
  }

  private void awaitQuietly() {
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
