package org.beamsamza.translation.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;

/**
 * A job's Beam metrics, attempted and committed.
 *
 * <p>Each task attempt reports into a map of its own ({@link TaskMetrics#live()}); when a commit
 * covering its work completes (outputs, stores and checkpoint durable) the task calls {@link
 * TaskMetrics#committed()}, which snapshots that map: the committed value of a metric is what the
 * tasks had reported as of their last successful commits, and work a restarted task replays is
 * counted as attempted again but committed once. Work done outside tasks (splitting sources on the
 * client, readers inside a container's source system) goes to {@link #shared()} and counts as both.
 *
 * <p>Thread-safe: tasks of several containers report concurrently; views are merged on demand.
 */
public final class JobMetrics {
  private final MetricsContainerStepMap shared = new MetricsContainerStepMap();
  private final Map<String, TaskMetrics> tasks = new ConcurrentHashMap<>();

  /** Metrics of work outside any task: attempted and committed alike. */
  public MetricsContainerStepMap shared() {
    return shared;
  }

  /**
   * Starts an attempt of task {@code taskName}: a fresh live map; what an earlier attempt reported
   * stays attempted, and what it committed stays committed.
   */
  public TaskMetrics startAttempt(String taskName) {
    TaskMetrics t = tasks.computeIfAbsent(taskName, n -> new TaskMetrics());
    t.newAttempt();
    return t;
  }

  /** Everything reported, by every attempt, committed or not. */
  public MetricsContainerStepMap attempted() {
    MetricsContainerStepMap all = copyOf(shared);
    for (TaskMetrics t : tasks.values()) {
      t.addAttemptedTo(all);
    }
    return all;
  }

  /** What was reported as of each task's last successful commit. */
  public MetricsContainerStepMap committed() {
    MetricsContainerStepMap all = copyOf(shared);
    for (TaskMetrics t : tasks.values()) {
      t.addCommittedTo(all);
    }
    return all;
  }

  /**
   * The job's {@link MetricResults}: attempted and committed values. A metric reported but not yet
   * covered by a commit has committed value zero (empty), not "unsupported".
   */
  public MetricResults results() {
    // Committed first: metrics only appear and grow, so everything committed by now is also in an
    // attempted view taken after it. The other order lets a metric first reported in between (a
    // source's, a new step's) be committed but not attempted, which Beam's merge rejects.
    MetricsContainerStepMap committed = committed();
    return results(attempted(), committed);
  }

  /**
   * {@link MetricResults} of attempted and committed values gathered elsewhere (e.g. reported by
   * the containers of a job on a cluster). A metric attempted but not yet committed has committed
   * value zero (empty), not "unsupported".
   */
  public static MetricResults results(
      MetricsContainerStepMap attempted, MetricsContainerStepMap committed) {
    MetricsContainerStepMap committedAll = copyOf(committed);
    MetricQueryResults reported =
        MetricsContainerStepMap.asAttemptedOnlyMetricResults(attempted).allMetrics();
    for (MetricResult<?> m : reported.getCounters()) {
      committedAll.getContainer(m.getKey().stepName()).getCounter(m.getName());
    }
    for (MetricResult<?> m : reported.getDistributions()) {
      committedAll.getContainer(m.getKey().stepName()).getDistribution(m.getName());
    }
    for (MetricResult<?> m : reported.getGauges()) {
      committedAll.getContainer(m.getKey().stepName()).getGauge(m.getName());
    }
    for (MetricResult<?> m : reported.getStringSets()) {
      committedAll.getContainer(m.getKey().stepName()).getStringSet(m.getName());
    }
    for (MetricResult<?> m : reported.getBoundedTries()) {
      committedAll.getContainer(m.getKey().stepName()).getBoundedTrie(m.getName());
    }
    return MetricsContainerStepMap.asMetricResults(attempted, committedAll);
  }

  private static MetricsContainerStepMap copyOf(MetricsContainerStepMap map) {
    MetricsContainerStepMap copy = new MetricsContainerStepMap();
    copy.updateAll(map);
    return copy;
  }

  /** One task's metrics across its attempts. */
  public static final class TaskMetrics {
    /** Everything earlier attempts reported. */
    private final MetricsContainerStepMap earlierAttempts = new MetricsContainerStepMap();

    /** What earlier attempts had committed. */
    private MetricsContainerStepMap committedBefore = new MetricsContainerStepMap();

    private volatile MetricsContainerStepMap live = new MetricsContainerStepMap();

    /** Earlier attempts' committed values plus this attempt's values at its last commit. */
    private volatile MetricsContainerStepMap committed = new MetricsContainerStepMap();

    private synchronized void newAttempt() {
      earlierAttempts.updateAll(live);
      committedBefore = committed;
      live = new MetricsContainerStepMap();
    }

    /** The map this attempt reports into (one container per step). */
    public MetricsContainerStepMap live() {
      return live;
    }

    /** Called once a commit covering everything reported so far is complete. */
    public synchronized void commit() {
      MetricsContainerStepMap snapshot = copyOf(committedBefore);
      snapshot.updateAll(live);
      committed = snapshot;
    }

    private synchronized void addAttemptedTo(MetricsContainerStepMap all) {
      all.updateAll(earlierAttempts);
      all.updateAll(live);
    }

    private void addCommittedTo(MetricsContainerStepMap all) {
      all.updateAll(committed);
    }
  }
}
