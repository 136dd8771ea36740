package org.beamsamza.state.beam;

import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.state.TimeDomain;
import org.joda.time.Instant;

/**
 * The {@link TimerInternals} of one key, as runners-core code (ReduceFnRunner, DoFnRunner) sees it,
 * over the timers of a whole step ({@link KeyedTimers} on the heap, {@link KeyValueTimers} in a
 * store): every call is forwarded with the key added.
 */
public final class KeyTimerInternals implements TimerInternals {
  /** What a step's timer collection must offer for its per-key views. */
  public interface StepTimers {
    void set(ByteKey key, TimerData timer);

    void delete(ByteKey key, StateNamespace namespace, String timerId, String familyId);

    Instant inputWatermark();

    Instant outputWatermark();

    /** Processing time now, as the step's clock says. */
    Instant processingTime();
  }

  private final ByteKey key;
  private final StepTimers timers;

  KeyTimerInternals(ByteKey key, StepTimers timers) {
    this.key = key;
    this.timers = timers;
  }

  @Override
  public void setTimer(
      StateNamespace namespace,
      String timerId,
      String timerFamilyId,
      Instant target,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    timers.set(
        key, TimerData.of(timerId, timerFamilyId, namespace, target, outputTimestamp, timeDomain));
  }

  @Override
  @SuppressWarnings("deprecation")
  public void setTimer(TimerData timerData) {
    timers.set(key, timerData);
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    timers.delete(key, namespace, timerId, timerFamilyId);
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
    timers.delete(key, namespace, timerId, timerFamilyId);
  }

  @Override
  public void deleteTimer(TimerData timerKey) {
    timers.delete(key, timerKey.getNamespace(), timerKey.getTimerId(), timerKey.getTimerFamilyId());
  }

  @Override
  public Instant currentProcessingTime() {
    return timers.processingTime();
  }

  @Override
  public Instant currentSynchronizedProcessingTime() {
    return timers.processingTime();
  }

  @Override
  public Instant currentInputWatermarkTime() {
    return timers.inputWatermark();
  }

  @Override
  public Instant currentOutputWatermarkTime() {
    return timers.outputWatermark();
  }
}
