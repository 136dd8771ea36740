package org.beamsamza.translation.operators;

import java.util.function.Consumer;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.beamsamza.state.beam.KeyValueTimers;
import org.beamsamza.state.beam.KeyedTimer;
import org.beamsamza.state.beam.StepState;
import org.joda.time.Instant;

/**
 * The timer and watermark loop every keyed operator shares (GroupByKey, stateful ParDo), so that
 * they cannot drift apart: the operator says how to fire one timer and when its input watermark or
 * the clock moved; this class decides which timers are due, in what order, and what output
 * watermark follows.
 *
 * <ul>
 *   <li><b>Event time</b>: when the input watermark advances, every event-time timer at or before
 *       it fires in timestamp order across keys; a timer set while firing fires too if it is due.
 *   <li><b>End of input</b> (watermark at {@link BoundedWindow#TIMESTAMP_MAX_VALUE}): the
 *       processing-time timers pending then fire first, while the watermark is still the last real
 *       one (at the end of time runners-core would drop them as late); then the watermark moves to
 *       the end and timers of both domains fire until none is left, so that a bounded job ends with
 *       every timer fired (Beam's model for bounded input).
 *   <li><b>Processing time</b>: on the task's window tick, processing-time timers due at {@code
 *       now} fire.
 *   <li><b>Output watermark</b>: the input watermark held back by the earliest watermark hold and
 *       the earliest output timestamp of a pending timer (both over all keys); never goes back; at
 *       the end of input it is the input watermark.
 * </ul>
 */
final class KeyedTimerDriver {
  /** What the end of input means for processing-time timers. */
  enum EndOfInput {
    /**
     * Fire the pending processing-time timers first, at the last real watermark, then move the
     * watermark to the end and fire everything left (stateful ParDos: a user's processing-time
     * timer must fire in a bounded pipeline, and at the end of time runners-core would drop it as
     * late).
     */
    FIRE_ALL_TIMERS,
    /**
     * Move the watermark to the end first: every window's end-of-window and garbage-collection
     * timers fire (the on-time and final panes, with all their data), then whatever is left, whose
     * windows are closed by then (GroupByKey: a pending processing-time trigger is not a reason to
     * emit one more early pane just before the on-time one, which Beam's model does not do).
     */
    WATERMARK_FIRST,
    /**
     * Keep firing them at their real time, with holds still applied to the output watermark: a
     * splittable DoFn's resume timers are work still to do, not a trigger to flush.
     */
    PROCESSING_TIMERS_AT_THEIR_TIME
  }

  private final StepState state;
  private final EndOfInput endOfInput;
  private final KeyValueTimers timers;
  private final Consumer<KeyedTimer> fire;
  private final Consumer<Instant> emitWatermark;
  private Instant outputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /**
   * @param fire runs one due timer for its key (the operator sets the current key first)
   * @param emitWatermark where the output watermark goes (the operator context)
   */
  KeyedTimerDriver(StepState state, Consumer<KeyedTimer> fire, Consumer<Instant> emitWatermark) {
    this(state, fire, emitWatermark, EndOfInput.FIRE_ALL_TIMERS);
  }

  KeyedTimerDriver(
      StepState state,
      Consumer<KeyedTimer> fire,
      Consumer<Instant> emitWatermark,
      EndOfInput endOfInput) {
    this.endOfInput = endOfInput;
    this.state = state;
    this.timers = state.timers();
    this.fire = fire;
    this.emitWatermark = emitWatermark;
  }

  /**
   * Moves the watermark timers see to {@code watermark} if it is later, fires what became due, and
   * emits the output watermark that follows.
   */
  void advanceInputWatermark(Instant watermark) {
    if (watermark.isAfter(timers.inputWatermark())) {
      boolean flushAll =
          !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)
              && endOfInput != EndOfInput.PROCESSING_TIMERS_AT_THEIR_TIME;
      if (flushAll && endOfInput == EndOfInput.FIRE_ALL_TIMERS) {
        firePendingProcessingTimers();
      }
      timers.setInputWatermark(watermark);
      fireDueTimers(flushAll);
    }
    emitOutputWatermark();
  }

  /** Fires processing-time timers due at {@code now}; then emits the output watermark. */
  void fireProcessingTimers(Instant now) {
    KeyedTimer due;
    boolean fired = false;
    while ((due = timers.pollDueProcessingTimer(now)) != null) {
      fire.accept(due);
      fired = true;
    }
    if (fired) {
      emitOutputWatermark(); // firing may have released holds
    }
  }

  private void fireDueTimers(boolean flushAll) {
    boolean fired;
    do {
      fired = false;
      KeyedTimer due;
      while ((due = timers.pollDueEventTimer()) != null) {
        fire.accept(due);
        fired = true;
      }
      if (flushAll) {
        while ((due = timers.pollDueProcessingTimer(BoundedWindow.TIMESTAMP_MAX_VALUE)) != null) {
          fire.accept(due);
          fired = true;
        }
      }
    } while (flushAll && fired);
  }

  /**
   * At the end of input, fires the processing-time timers pending then while the watermark timers
   * see is still the last real one: runners-core drops a processing-time timer whose window has
   * expired (its GC time before the input watermark), and at the end of time every window has.
   * Timers these set are handled by {@link #fireDueTimers} like any other.
   */
  private void firePendingProcessingTimers() {
    KeyedTimer due;
    while ((due = timers.pollDueProcessingTimer(BoundedWindow.TIMESTAMP_MAX_VALUE)) != null) {
      fire.accept(due);
    }
  }

  /** Emits the input watermark held back by holds and pending timers, if it moved forward. */
  void emitOutputWatermark() {
    Instant in = timers.inputWatermark();
    Instant out = in;
    if (in.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)
        || endOfInput == EndOfInput.PROCESSING_TIMERS_AT_THEIR_TIME) {
      out = earliest(out, timers.earliestOutputTimestamp());
      out = earliest(out, state.earliestHold());
    }
    if (out.isAfter(outputWatermark)) {
      outputWatermark = out;
      timers.setOutputWatermark(out);
      emitWatermark.accept(out);
    }
  }

  static Instant earliest(Instant a, Instant b) {
    return b != null && b.isBefore(a) ? b : a;
  }
}
