package org.beamsamza.translation.operators;

import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The timers of the key a sorted operator is running ({@link SortedKeyedInput}): on the heap, since
 * the key runs once and start to end; the input watermark at its start until the key's input is
 * done, then at the end of time. Which timers fire first at the end follows the streaming path's
 * rule for the same kind of operator ({@link KeyedTimerDriver.EndOfInput}), so that the two paths
 * give the same answer.
 */
final class HeapKeyTimers {
  private HeapKeyTimers() {}

  /** Fires one timer of the key. */
  interface Firing {
    void fire(TimerData timer) throws Exception;
  }

  /**
   * Timers whose processing time starts at {@code now}: processing-time triggers and timers measure
   * their delays from it, as if the key's whole input arrived at once.
   */
  static InMemoryTimerInternals startingAt(Instant now) throws Exception {
    InMemoryTimerInternals timers = new InMemoryTimerInternals();
    timers.advanceOutputWatermark(BoundedWindow.TIMESTAMP_MIN_VALUE);
    timers.advanceProcessingTime(now);
    timers.advanceSynchronizedProcessingTime(now);
    return timers;
  }

  /**
   * Fires every timer of the key, one at a time in time order (a timer may set or delete others),
   * until none is left: with {@link KeyedTimerDriver.EndOfInput#FIRE_ALL_TIMERS} the pending
   * processing-time timers first, while the watermark is still at the start (at the end of time
   * runners-core would drop them as late); then the watermark and the clocks move to the end.
   */
  static void fireAll(
      InMemoryTimerInternals timers, KeyedTimerDriver.EndOfInput order, Firing firing)
      throws Exception {
    if (order == KeyedTimerDriver.EndOfInput.PROCESSING_TIMERS_AT_THEIR_TIME) {
      throw new IllegalArgumentException("a sorted key runs to its end: " + order);
    }
    TimerData timer;
    if (order == KeyedTimerDriver.EndOfInput.FIRE_ALL_TIMERS) {
      timers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
      while ((timer = timers.removeNextProcessingTimer()) != null) {
        firing.fire(timer);
      }
    }
    timers.advanceInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    timers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    timers.advanceSynchronizedProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    boolean fired;
    do {
      fired = false;
      while ((timer = timers.removeNextEventTimer()) != null) {
        firing.fire(timer);
        fired = true;
      }
      while ((timer = timers.removeNextProcessingTimer()) != null) {
        firing.fire(timer);
        fired = true;
      }
      while ((timer = timers.removeNextSynchronizedProcessingTimer()) != null) {
        firing.fire(timer);
        fired = true;
      }
    } while (fired);
  }
}
