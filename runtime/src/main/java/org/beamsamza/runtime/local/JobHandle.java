package org.beamsamza.runtime.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.container.ContainerMetrics;
import org.beamsamza.runtime.container.SamzaContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control of a job started by {@link LocalJobRunner}.
 *
 * <p>A job is one unit: when a container fails while processing, the others are stopped and the job
 * is FAILED with that first failure. A container that failed only after it had finished all its
 * work (a task's {@code close()}, e.g. a DoFn's {@code @Teardown}, threw) does not stop the others:
 * they finish their own work, and the job then ends FAILED with that failure.
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

  private final List<SamzaContainer> containers;
  private final CheckpointManager checkpointManager;
  private final Runnable afterStop;
  private final Duration killGrace;
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Object lock = new Object();
  private volatile JobStatus status = JobStatus.NEW;
  private Throwable failure;
  private boolean killed;
  private int running;

  JobHandle(
      List<SamzaContainer> containers,
      CheckpointManager checkpointManager,
      Runnable afterStop,
      Duration killGrace) {
    this.containers = List.copyOf(containers);
    this.checkpointManager = checkpointManager;
    this.afterStop = afterStop;
    this.killGrace = killGrace;
  }

  void start() {
    checkpointManager.start();
    synchronized (lock) {
      running = containers.size();
      status = JobStatus.RUNNING;
      if (containers.isEmpty()) {
        containersStopped();
        return;
      }
      for (SamzaContainer c : containers) {
        Thread t = new Thread(() -> runContainer(c), "container-" + c.getContainerId());
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
    synchronized (lock) {
      if (status.isTerminal() || killed) {
        return;
      }
      killed = true;
    }
    LOG.info("Killing the job: stopping {} container(s)", containers.size());
    containers.forEach(SamzaContainer::shutdown);
    interruptContainerThreads();
    Thread abandon = new Thread(this::abandonAfterGrace, "job-kill-grace");
    abandon.setDaemon(true);
    abandon.start();
  }

  /** Live metrics of every container, by container id. */
  public Map<String, ContainerMetrics> getContainerMetrics() {
    Map<String, ContainerMetrics> m = new LinkedHashMap<>();
    for (SamzaContainer c : containers) {
      m.put(c.getContainerId(), c.getMetrics());
    }
    return m;
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

  private void runContainer(SamzaContainer container) {
    try {
      container.run();
    } catch (Throwable t) {
      recordFailure(container, t);
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

  private void recordFailure(SamzaContainer container, Throwable t) {
    boolean first;
    boolean wasKilled;
    synchronized (lock) {
      wasKilled = killed;
      first = failure == null && !killed;
      if (first) {
        failure = t;
      }
    }
    if (wasKilled) {
      LOG.info("Container {} stopped after the kill: {}", container.getContainerId(), t.toString());
    } else if (!first) {
      LOG.warn("Container {} also failed", container.getContainerId(), t);
    } else if (t instanceof ContainerException ce && ce.isAfterProcessing()) {
      // Its work is done and committed; the others finish theirs, then the job fails.
      LOG.error(
          "Container {} failed after finishing its work; the job fails once the other containers"
              + " finish",
          container.getContainerId(),
          t);
    } else {
      LOG.error("Container {} failed; stopping the job", container.getContainerId(), t);
      containers.forEach(SamzaContainer::shutdown);
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
