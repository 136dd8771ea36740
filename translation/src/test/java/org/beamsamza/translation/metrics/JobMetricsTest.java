package org.beamsamza.translation.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.junit.Test;

/** Attempted and committed values across commits and task attempts. */
public class JobMetricsTest {
  private static final MetricName NAME = MetricName.named("ns", "count");

  private static void inc(JobMetrics.TaskMetrics task, long n) {
    task.live().getContainer("step").getCounter(NAME).inc(n);
  }

  private static long counter(JobMetrics metrics, boolean committed) {
    MetricQueryResults r = metrics.results().queryMetrics(MetricsFilter.builder().build());
    long sum = 0;
    for (MetricResult<Long> c : r.getCounters()) {
      if (c.getName().equals(NAME)) {
        sum += committed ? c.getCommitted() : c.getAttempted();
      }
    }
    return sum;
  }

  @Test
  public void committedIsWhatTasksHadAtTheirLastCommit() {
    JobMetrics metrics = new JobMetrics();
    JobMetrics.TaskMetrics a = metrics.startAttempt("a");
    JobMetrics.TaskMetrics b = metrics.startAttempt("b");
    inc(a, 3);
    inc(b, 4);
    assertThat(counter(metrics, false), is(7L));
    assertThat(counter(metrics, true), is(0L));

    a.commit();
    inc(a, 10);
    assertThat(counter(metrics, true), is(3L));
    assertThat(counter(metrics, false), is(17L));

    b.commit();
    assertThat(counter(metrics, true), is(7L));
  }

  @Test
  public void aRestartedTaskCountsReplayedWorkAsAttemptedAgainButCommittedOnce() {
    JobMetrics metrics = new JobMetrics();
    JobMetrics.TaskMetrics first = metrics.startAttempt("a");
    inc(first, 5);
    first.commit();
    inc(first, 2); // not committed: lost with the attempt, replayed by the next one

    JobMetrics.TaskMetrics second = metrics.startAttempt("a");
    inc(second, 2); // the replay
    second.commit();

    assertThat(counter(metrics, true), is(7L));
    assertThat(counter(metrics, false), is(9L));
  }

  @Test
  public void workOutsideTasksCountsAsBoth() {
    JobMetrics metrics = new JobMetrics();
    metrics.shared().getContainer("split").getCounter(NAME).inc(4);
    assertThat(counter(metrics, true), is(4L));
    assertThat(counter(metrics, false), is(4L));
  }
}
