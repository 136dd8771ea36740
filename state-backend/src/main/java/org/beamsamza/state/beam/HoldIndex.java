package org.beamsamza.state.beam;

import org.joda.time.Instant;

/**
 * The watermark holds of one step over all its keys, indexed so that the earliest is known without
 * a scan: the step's output watermark may not pass it. On the heap ({@link WatermarkHolds}) or in a
 * store ({@link KeyValueWatermarkHolds}).
 */
public interface HoldIndex {
  /** Sets the hold of one cell (key, namespace, state id); null removes it. */
  void set(ByteKey key, String namespace, String stateId, Instant hold);

  /** The earliest hold, or null if none is held. */
  Instant earliest();
}
