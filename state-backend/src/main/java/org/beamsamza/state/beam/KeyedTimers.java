package org.beamsamza.state.beam;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The timers of one operator in one task, for all its keys: ordered by firing time per domain so
 * that the due ones are found without a scan, and indexed by (key, namespace, id, family) so that
 * setting a timer again replaces it and deleting it is cheap. Held on the heap; the RocksDB backend
 * stores the same two orders on disk.
 */
public final class KeyedTimers implements KeyTimerInternals.StepTimers {

  private record TimerId(ByteKey key, StateNamespace namespace, String timerId, String familyId) {}

  private static final java.util.Comparator<KeyedTimer> FIRING_ORDER =
      java.util.Comparator.<KeyedTimer, Instant>comparing(t -> t.timer().getTimestamp())
          .thenComparingLong(KeyedTimer::seq);

  private final TreeSet<KeyedTimer> eventTime = new TreeSet<>(FIRING_ORDER);
  private final TreeSet<KeyedTimer> processingTime = new TreeSet<>(FIRING_ORDER);
  private final Map<TimerId, KeyedTimer> index = new HashMap<>();
  private long nextSeq;

  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private Instant outputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  public void setInputWatermark(Instant watermark) {
    this.inputWatermark = watermark;
  }

  public void setOutputWatermark(Instant watermark) {
    this.outputWatermark = watermark;
  }

  @Override
  public Instant inputWatermark() {
    return inputWatermark;
  }

  @Override
  public Instant outputWatermark() {
    return outputWatermark;
  }

  private ProcessingClock clock = ProcessingClock.SYSTEM;

  /** The clock timers read processing time from (the wall clock unless set). */
  public void setProcessingClock(ProcessingClock clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Instant processingTime() {
    return clock.now();
  }

  /**
   * The view of one key that runners-core code (ReduceFnRunner, DoFnRunner) sets timers through.
   */
  public TimerInternals forKey(ByteKey key) {
    return new KeyTimerInternals(key, this);
  }

  /** Removes and returns the earliest event-time timer due at the input watermark, or null. */
  public KeyedTimer pollDueEventTimer() {
    return pollDue(eventTime, inputWatermark);
  }

  /** Removes and returns the earliest processing-time timer due at {@code now}, or null. */
  public KeyedTimer pollDueProcessingTimer(Instant now) {
    return pollDue(processingTime, now);
  }

  /** The earliest output timestamp that a pending event-time timer holds, or null. */
  public boolean isEmpty() {
    return index.isEmpty();
  }

  public int size() {
    return index.size();
  }

  private KeyedTimer pollDue(TreeSet<KeyedTimer> queue, Instant now) {
    if (queue.isEmpty()) {
      return null;
    }
    KeyedTimer first = queue.first();
    // Due means strictly before now (Beam's model), or anything at the end of time.
    if (!first.timer().getTimestamp().isBefore(now)
        && now.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      return null;
    }
    queue.pollFirst();
    index.remove(idOf(first.key(), first.timer()));
    return first;
  }

  private static TimerId idOf(ByteKey key, TimerData timer) {
    return new TimerId(key, timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
  }

  private TreeSet<KeyedTimer> queueFor(TimeDomain domain) {
    return domain == TimeDomain.EVENT_TIME ? eventTime : processingTime;
  }

  @Override
  public void set(ByteKey key, TimerData timer) {
    TimerId id = idOf(key, timer);
    KeyedTimer previous = index.get(id);
    if (previous != null && previous.timer().equals(timer)) {
      // Triggers set the same end-of-window timer for every element: nothing to move.
      return;
    }
    index.remove(id);
    if (previous != null) {
      queueFor(previous.timer().getDomain()).remove(previous);
    }
    KeyedTimer entry = new KeyedTimer(key, timer, nextSeq++);
    index.put(id, entry);
    queueFor(timer.getDomain()).add(entry);
  }

  @Override
  public void delete(ByteKey key, StateNamespace namespace, String timerId, String familyId) {
    KeyedTimer previous = index.remove(new TimerId(key, namespace, timerId, familyId));
    if (previous != null) {
      queueFor(previous.timer().getDomain()).remove(previous);
    }
  }
}
