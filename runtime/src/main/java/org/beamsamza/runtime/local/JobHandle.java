package org.beamsamza.runtime.local;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.container.ContainerMetrics;
import org.beamsamza.runtime.container.SamzaContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control of a job started by {@link LocalJobRunner}. A job is one unit: when a container fails,
 * the others are stopped and the job is FAILED with that first failure. A final status is set only
 * once every container thread has ended, so after {@link #waitForFinish} returns it nothing of the
 * job still runs (a test can then restart it on the same streams and checkpoints).
 */
public final class JobHandle {
  private static final Logger LOG = LoggerFactory.getLogger(JobHandle.class);

  private final List<SamzaContainer> containers;
  private final CheckpointManager checkpointManager;
  private final CountDownLatch done = new CountDownLatch(1);
  private final Object lock = new Object();
  private volatile JobStatus status = JobStatus.NEW;
  private Throwable failure;
  private boolean killed;
  private int running;

  JobHandle(List<SamzaContainer> containers, CheckpointManager checkpointManager) {
    this.containers = List.copyOf(containers);
    this.checkpointManager = checkpointManager;
  }

  void start() {
    checkpointManager.start();
    synchronized (lock) {
      running = containers.size();
      status = JobStatus.RUNNING;
    }
    if (containers.isEmpty()) {
      finished();
      return;
    }
    for (SamzaContainer c : containers) {
      Thread t = new Thread(() -> runContainer(c), "container-" + c.getContainerId());
      t.start();
    }
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
   * If the calling thread is interrupted, returns the current status with the interrupt flag set.
   */
  public JobStatus waitForFinish(Duration timeout) {
    try {
      done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return status;
  }

  /** Waits until the job ends. */
  public JobStatus waitForFinish() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return status;
  }

  /**
   * Asks every container to stop, without a final commit, and returns at once; the status becomes
   * KILLED when they have stopped ({@link #waitForFinish} waits for that). No effect on an ended
   * job.
   */
  public void kill() {
    synchronized (lock) {
      if (status.isTerminal()) {
        return;
      }
      if (failure == null) {
        killed = true;
      }
    }
    containers.forEach(SamzaContainer::shutdown);
  }

  /** Live metrics of every container, by container id. */
  public Map<String, ContainerMetrics> getContainerMetrics() {
    Map<String, ContainerMetrics> m = new LinkedHashMap<>();
    for (SamzaContainer c : containers) {
      m.put(c.getContainerId(), c.getMetrics());
    }
    return m;
  }

  private void runContainer(SamzaContainer container) {
    try {
      container.run();
    } catch (Throwable t) {
      boolean first;
      synchronized (lock) {
        first = failure == null;
        if (first) {
          failure = t;
        }
      }
      if (first) {
        LOG.error("Container {} failed; stopping the job", container.getContainerId(), t);
        containers.forEach(SamzaContainer::shutdown);
      }
    } finally {
      boolean last;
      synchronized (lock) {
        last = --running == 0;
      }
      if (last) {
        finished();
      }
    }
  }

  private void finished() {
    try {
      checkpointManager.stop();
    } catch (RuntimeException e) {
      LOG.warn("Stopping the checkpoint manager failed", e);
    }
    synchronized (lock) {
      status = killed ? JobStatus.KILLED : failure != null ? JobStatus.FAILED : JobStatus.SUCCEEDED;
    }
    done.countDown();
  }
}
