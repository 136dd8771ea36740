package org.beamsamza.runtime.container;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * One partition a container consumes, registered once with its system's consumer even when several
 * of the container's tasks read it (broadcast inputs): each reader keeps its own offsets. Holds the
 * batch last polled for it; the run loop hands its envelopes to the chooser one at a time.
 */
final class InputPartition {
  final SystemStreamPartition ssp;
  final Comparator<String> offsetOrder;
  Reader[] readers = new Reader[0];

  /** Polled envelopes not yet offered to the chooser, from {@link #pos}; null when none. */
  List<IncomingMessageEnvelope> batch;

  int pos;

  /** An envelope of this partition is offered to the chooser. */
  boolean inChooser;

  /** The end-of-stream envelope was reached (read by metrics reporters too). */
  volatile boolean ended;

  /**
   * The newest offset the partition's consumer knows of ({@code SystemConsumer#newestOffset}), for
   * lag; refreshed on the loop thread, read by metrics reporters.
   */
  volatile String newestOffset;

  /** Not ended and some reader's task is not finished: worth polling. */
  boolean active = true;

  /** Offset last passed to deleteMessages. */
  String lastTrimmed;

  /** Offset last reported to the consumer's {@code CheckpointListener}. */
  String lastNotified;

  InputPartition(SystemStreamPartition ssp, Comparator<String> offsetOrder) {
    this.ssp = ssp;
    this.offsetOrder = offsetOrder;
  }

  void addReader(TaskInstance task, String checkpointed, String startOffset) {
    Reader r = new Reader(task, this, checkpointed, startOffset);
    List<Reader> all = new ArrayList<>(List.of(readers));
    all.add(r);
    readers = all.toArray(new Reader[0]);
    task.readers.add(r);
    task.metrics.addInput(r);
  }

  /**
   * The offset to register with the consumer: the earliest any reader needs (null, the oldest
   * available, if one has no checkpoint). Readers that start later skip what they already saw.
   */
  String registrationOffset() {
    String min = null;
    for (Reader r : readers) {
      if (r.startOffset == null) {
        min = null;
        break;
      }
      if (min == null || offsetOrder.compare(r.startOffset, min) < 0) {
        min = r.startOffset;
      }
    }
    for (Reader r : readers) {
      boolean later =
          r.startOffset != null && (min == null || offsetOrder.compare(r.startOffset, min) > 0);
      r.skipBefore = later ? r.startOffset : null;
    }
    return min;
  }

  void refreshActive() {
    boolean anyUnfinished = false;
    for (Reader r : readers) {
      anyUnfinished |= !r.task.finished;
    }
    active = !ended && anyUnfinished;
    if (!active) {
      batch = null;
    }
  }

  /** The offset every reader has processed, or null if some reader processed nothing yet. */
  String committedByAll() {
    String min = null;
    for (Reader r : readers) {
      if (r.lastOffset == null) {
        return null;
      }
      if (min == null || offsetOrder.compare(r.lastOffset, min) < 0) {
        min = r.lastOffset;
      }
    }
    return min;
  }

  /** A task's view of the partition. */
  static final class Reader {
    final TaskInstance task;
    final InputPartition partition;

    /** The last offset the task processed (initially its checkpointed one). */
    String lastOffset;

    /** The offset after its checkpoint, or null to start from the oldest. */
    final String startOffset;

    /** Envelopes before this offset were processed before the restart: skip them. */
    String skipBefore;

    Reader(TaskInstance task, InputPartition partition, String checkpointed, String startOffset) {
      this.task = task;
      this.partition = partition;
      this.lastOffset = checkpointed;
      this.startOffset = startOffset;
    }
  }
}
