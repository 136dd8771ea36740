package org.beamsamza.state.beam;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.StateInternals;
import org.joda.time.Instant;

/**
 * Keyed Beam state of one operator in one task, held on the heap (runners-core's {@link
 * InMemoryStateInternals} per key) with every watermark hold indexed. The RocksDB backend replaces
 * this for state that must survive restarts or outgrow the heap.
 */
public final class InMemoryKeyedStateInternals {
  private final Map<ByteKey, StateInternals> byKey = new HashMap<>();
  private final WatermarkHolds holds = new WatermarkHolds();

  /**
   * The state of one key; {@code key} is the decoded key that {@link StateInternals#getKey}
   * returns.
   */
  public StateInternals forKey(ByteKey keyBytes, Object key) {
    StateInternals internals = byKey.get(keyBytes);
    if (internals == null) {
      internals =
          new HoldTrackingStateInternals(InMemoryStateInternals.forKey(key), keyBytes, holds);
      byKey.put(keyBytes, internals);
    }
    return internals;
  }

  /** The earliest watermark hold over all keys, or null. */
  public Instant earliestHold() {
    return holds.earliest();
  }

  /** Drops a key whose state has all been cleared (its last window was garbage collected). */
  public void forget(ByteKey keyBytes) {
    byKey.remove(keyBytes);
  }

  public int keyCount() {
    return byKey.size();
  }
}
