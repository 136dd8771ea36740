package org.beamsamza.state.beam;

import org.apache.beam.runners.core.TimerInternals.TimerData;

/**
 * A due timer of one key, as a step's timers ({@link KeyValueTimers}, or the heap {@link
 * KeyedTimers}) hand it out; {@code seq} is the heap queue's insertion number (0 from the store,
 * where the order lives in the keys).
 */
public record KeyedTimer(ByteKey key, TimerData timer, long seq) {}
