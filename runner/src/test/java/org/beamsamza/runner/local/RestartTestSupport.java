package org.beamsamza.runner.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.beamsamza.runner.SamzaPipelineResult;
import org.joda.time.Duration;

/** What the kill-and-restart tests share: waiting, killing a held run, reading its counters. */
final class RestartTestSupport {
  private RestartTestSupport() {}

  /** Polls a condition; the two minutes only turn a hang into a failure. */
  static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      assertTrue("hung waiting until " + what, System.nanoTime() - deadline < 0);
      Thread.sleep(5);
    }
  }

  /** Waits for a condition while run 1 runs; fails at once if run 1 ended. */
  static void awaitWhileRunning(SamzaPipelineResult run, String what, BooleanSupplier condition)
      throws InterruptedException {
    awaitCondition(
        what,
        () -> {
          if (run.getState() != PipelineResult.State.RUNNING) {
            fail("run 1 ended (" + run.getState() + ") before: " + what);
          }
          return condition.getAsBoolean();
        });
  }

  /**
   * Cancels a run whose DoFn is held on {@code release}: once cancel() asked the containers to stop
   * (it then waits for the end), lets the DoFn go, and checks the run ended CANCELLED, not DONE.
   */
  static void cancelWhileHeld(SamzaPipelineResult run, CountDownLatch release)
      throws InterruptedException {
    Thread cancel = new Thread(run::cancel, "cancel-run-1");
    cancel.start();
    awaitCondition(
        "cancel() asked the containers to stop",
        () ->
            EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.TERMINATED)
                .contains(cancel.getState()));
    release.countDown();
    cancel.join(TimeUnit.MINUTES.toMillis(2));
    assertThat(
        "run 1 was killed, not finished",
        run.waitUntilFinish(Duration.standardMinutes(2)),
        equalTo(PipelineResult.State.CANCELLED));
  }

  /** The attempted value of counter {@code name} in namespace {@code namespace}, over all steps. */
  static long counter(SamzaPipelineResult result, Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(namespace.getName(), name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
