package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's {@link DoFn.BundleFinalizer}: callbacks that DoFns register while processing a bundle
 * run once the commit that makes that bundle's output durable has completed (outputs flushed,
 * stores flushed, input offsets checkpointed), as Beam's model asks: a source may then acknowledge
 * what it handed out, because a restart will not replay it.
 *
 * <p>Every bundle of the task ends at the latest in the commit's {@code prepareCommit}, so every
 * callback registered before a commit's notification is covered by that commit. A callback whose
 * expiry has passed by then is dropped (Beam's contract: the runner may drop expired callbacks). A
 * callback that throws is logged with its step and the others still run: the data is already
 * committed, and finalization is best-effort by definition (a process that dies loses its pending
 * callbacks, which Beam allows).
 */
final class PendingFinalizations {
  private static final Logger LOG = LoggerFactory.getLogger(PendingFinalizations.class);

  private record Pending(String stepName, Instant expiry, DoFn.BundleFinalizer.Callback callback) {}

  private final String taskName;
  private List<Pending> pending = new ArrayList<>();

  PendingFinalizations(String taskName) {
    this.taskName = taskName;
  }

  /** The finalizer handed to the DoFns of step {@code stepName}. */
  DoFn.BundleFinalizer forStep(String stepName) {
    return (expiry, callback) -> pending.add(new Pending(stepName, expiry, callback));
  }

  int size() {
    return pending.size();
  }

  /** Runs (or drops, if expired at {@code now}) every callback registered so far. */
  void afterCommit(Instant now) {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> due = pending;
    pending = new ArrayList<>();
    for (Pending p : due) {
      if (p.expiry().isBefore(now)) {
        LOG.debug(
            "Task {}: dropping the expired bundle finalization of step '{}' (expired at {})",
            taskName,
            p.stepName(),
            p.expiry());
        continue;
      }
      try {
        p.callback().onBundleSuccess();
      } catch (Exception e) {
        LOG.warn(
            "Task {}: the bundle finalization callback of step '{}' failed after its bundle was"
                + " committed",
            taskName,
            p.stepName(),
            e);
      }
    }
  }
}
