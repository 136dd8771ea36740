package org.beamsamza.runtime.container;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the stores of a container's tasks side by side before its run loop starts: a restarted
 * container with many stateful tasks is back as soon as its largest store is, not after the sum of
 * them all. Only stores whose changelog holds data are opened here; the others open on first use. A
 * store is used by one thread at a time: here by its restore thread, which ends before the run loop
 * starts.
 */
final class StoreRestore {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRestore.class);

  /** Restore threads at most; restores wait on the network and on disk more than on CPU. */
  static final int MAX_THREADS = 8;

  private StoreRestore() {}

  static void restoreSideBySide(String containerId, List<TaskInstance> tasks)
      throws InterruptedException {
    if (tasks.size() <= 1) {
      for (TaskInstance t : tasks) {
        restore(containerId, t);
      }
      return;
    }
    long started = System.nanoTime();
    AtomicInteger threadIds = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(tasks.size(), MAX_THREADS),
            r -> {
              Thread thread =
                  new Thread(r, "restore-" + containerId + "-" + threadIds.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<Integer>> restores = new ArrayList<>();
      for (TaskInstance t : tasks) {
        restores.add(pool.submit(() -> restore(containerId, t)));
      }
      int opened = 0;
      for (Future<Integer> f : restores) {
        try {
          opened += f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException re
              ? re
              : new ContainerException(
                  containerId,
                  null,
                  "Container " + containerId + ": restore failed: " + e.getCause(),
                  e.getCause());
        }
      }
      if (opened > 0) {
        LOG.info(
            "Container {}: restored {} stores of {} tasks side by side in {} ms",
            containerId,
            opened,
            tasks.size(),
            (System.nanoTime() - started) / 1_000_000);
      }
    } finally {
      pool.shutdownNow();
      // No restore may still touch a store once the container goes on (or closes them on failure).
      pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    }
  }

  private static int restore(String containerId, TaskInstance t) {
    try {
      return t.stores.restoreStoresWithChangelogData();
    } catch (RuntimeException | Error e) {
      throw new ContainerException(
          containerId,
          t.name,
          "Task " + t.name + " in container " + containerId + ": restoring its stores failed: " + e,
          e);
    }
  }
}
