package org.beamsamza.runner.metrics;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.beamsamza.runtime.job.JobModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a local job's {@link JobProgress} every {@code --progressLogIntervalMs} while it runs, and
 * its summary (per stage and per step) when it ends: what a person watching a long batch job's log
 * wants to see move.
 */
public final class ProgressLog {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

  private final String jobName;
  private final JobRegistries registries;
  private final JobModel job;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService schedule;

  private ProgressLog(String jobName, JobRegistries registries, JobModel job, long periodMs) {
    this.jobName = jobName;
    this.registries = registries;
    this.job = job;
    if (periodMs > 0) {
      schedule =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "progress-log-" + jobName);
                t.setDaemon(true);
                return t;
              });
      schedule.scheduleAtFixedRate(this::logProgress, periodMs, periodMs, TimeUnit.MILLISECONDS);
    } else {
      schedule = null;
    }
  }

  /** Starts logging progress every {@code periodMs} (0: only the summary at the end). */
  public static ProgressLog start(
      String jobName, JobRegistries registries, JobModel job, long periodMs) {
    return new ProgressLog(jobName, registries, job, periodMs);
  }

  public JobProgress progress() {
    return JobProgress.of(registries.values(), job);
  }

  private void logProgress() {
    try {
      LOG.info("Job {}: {}", jobName, progress().line());
    } catch (RuntimeException e) {
      LOG.warn("Job {}: cannot compute its progress", jobName, e);
    }
  }

  /** Stops the progress lines and logs the summary, naming how the job ended. */
  public void stop(String outcome) {
    if (schedule != null) {
      schedule.shutdownNow();
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(java.util.Locale.ROOT, "Job %s %s after %.1f s:", jobName, outcome, seconds));
    for (String line : progress().summary()) {
      b.append(System.lineSeparator()).append(line);
    }
    LOG.info(b.toString());
  }
}
