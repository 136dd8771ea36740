package org.beamsamza.state.beam;

import java.util.concurrent.atomic.AtomicReference;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A processing clock that moves only when told to: the job-wide clock of a job whose processing
 * time is scripted (TestStream's processing-time advances), shared by every task of that job.
 */
public final class ManualProcessingClock implements ProcessingClock {
  private final AtomicReference<Instant> now;

  public ManualProcessingClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  @Override
  public Instant now() {
    return now.get();
  }

  /** Moves the clock forward by {@code amount}; a negative amount is a scripting error. */
  public void advance(Duration amount) {
    if (amount.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException(
          "Processing time cannot go back (advance by " + amount + ")");
    }
    now.updateAndGet(t -> t.plus(amount));
  }
}
