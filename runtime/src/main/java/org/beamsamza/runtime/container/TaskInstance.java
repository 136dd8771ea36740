package org.beamsamza.runtime.container;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.ClosableTask;
import org.beamsamza.runtime.task.CommitListenerTask;
import org.beamsamza.runtime.task.EndOfStreamListenerTask;
import org.beamsamza.runtime.task.InitableTask;
import org.beamsamza.runtime.task.PreCommitTask;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.runtime.task.WindowableTask;

/**
 * One task in a container: the user's task with its optional capabilities resolved once (no
 * instanceof per call), its per-partition offsets, and its coordinator. Being the coordinator
 * itself saves an object per call; requests go to the run loop, which applies shutdowns at once and
 * commits after the current call returns. Run-loop thread only.
 */
final class TaskInstance implements TaskCoordinator {
  final TaskName name;
  final TaskModel model;
  final StreamTask task;
  final InitableTask initable;
  final WindowableTask windowable;
  final PreCommitTask preCommit;
  final CommitListenerTask commitListener;
  final EndOfStreamListenerTask endOfStreamListener;
  final ClosableTask closable;

  /** One per input partition of this task. */
  final List<InputPartition.Reader> readers = new ArrayList<>();

  /** The task's stores, opened when the task first asks for one. */
  final TaskStorageManager stores;

  /** The task's own registry and counts. */
  final TaskMetrics metrics = new TaskMetrics();

  /**
   * Messages processed, and sent through the collector while this task was called: plain counts,
   * published to {@link #metrics} on window ticks, commits and when the task finishes ({@link
   * #publishMetrics}), so counting costs an increment per message.
   */
  long processed;

  long sent;

  void publishMetrics() {
    metrics.publish(processed, sent, finished);
  }

  RunLoop loop;

  boolean finished;

  int endedInputs;

  /** Some offset moved since the last checkpoint write. */
  boolean offsetsChanged;

  TaskInstance(TaskModel model, StreamTask task, TaskStorageManager stores) {
    this.name = model.getTaskName();
    this.stores = stores;
    metrics.addStores(stores);
    this.model = model;
    this.task = task;
    this.initable = task instanceof InitableTask t ? t : null;
    this.windowable = task instanceof WindowableTask t ? t : null;
    this.preCommit = task instanceof PreCommitTask t ? t : null;
    this.commitListener = task instanceof CommitListenerTask t ? t : null;
    this.endOfStreamListener = task instanceof EndOfStreamListenerTask t ? t : null;
    this.closable = task instanceof ClosableTask t ? t : null;
  }

  /** The last processed offset of every partition that has one (restored ones included). */
  Checkpoint checkpoint() {
    Map<SystemStreamPartition, String> offsets = new HashMap<>();
    for (InputPartition.Reader r : readers) {
      if (r.lastOffset != null) {
        offsets.put(r.partition.ssp, r.lastOffset);
      }
    }
    return new Checkpoint(offsets);
  }

  @Override
  public void commit(RequestScope scope) {
    loop.requestCommit();
  }

  @Override
  public void shutdown(RequestScope scope) {
    if (scope == RequestScope.ALL_TASKS_IN_CONTAINER) {
      loop.finishAll();
    } else {
      loop.finish(this);
    }
  }

  @Override
  public String toString() {
    return name.toString();
  }
}
