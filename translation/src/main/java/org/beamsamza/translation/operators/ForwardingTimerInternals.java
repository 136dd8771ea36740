package org.beamsamza.translation.operators;

import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.state.TimeDomain;
import org.joda.time.Instant;

/**
 * Timers that forward every call to {@link #delegate()}, asked on every call: the view a keyed
 * step's runners-core runner keeps for its whole life while the key it addresses changes under it
 * (runners-core's stateful runner holds the {@link TimerInternals} it was built with).
 */
abstract class ForwardingTimerInternals implements TimerInternals {
  /** The timers of the key being processed now. */
  protected abstract TimerInternals delegate();

  @Override
  public void setTimer(
      StateNamespace namespace,
      String timerId,
      String timerFamilyId,
      Instant target,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    delegate().setTimer(namespace, timerId, timerFamilyId, target, outputTimestamp, timeDomain);
  }

  @Override
  public void setTimer(TimerData timerData) {
    delegate().setTimer(timerData);
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
    delegate().deleteTimer(namespace, timerId, timerFamilyId, timeDomain);
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    delegate().deleteTimer(namespace, timerId, timerFamilyId);
  }

  @Override
  public void deleteTimer(TimerData timerKey) {
    delegate().deleteTimer(timerKey);
  }

  @Override
  public Instant currentProcessingTime() {
    return delegate().currentProcessingTime();
  }

  @Override
  public Instant currentSynchronizedProcessingTime() {
    return delegate().currentSynchronizedProcessingTime();
  }

  @Override
  public Instant currentInputWatermarkTime() {
    return delegate().currentInputWatermarkTime();
  }

  @Override
  public Instant currentOutputWatermarkTime() {
    return delegate().currentOutputWatermarkTime();
  }
}
