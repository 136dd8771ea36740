package org.beamsamza.state.beam;

import org.joda.time.Instant;

/**
 * The one place a task reads processing time: timers' {@code currentProcessingTime()}, the
 * processing-time tick of every operator. The wall clock in production; a clock the test advances
 * for deterministic tests (and, later, TestStream's processing-time advances).
 */
@FunctionalInterface
public interface ProcessingClock {
  ProcessingClock SYSTEM = Instant::now;

  Instant now();
}
