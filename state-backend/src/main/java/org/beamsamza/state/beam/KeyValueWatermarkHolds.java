package org.beamsamza.state.beam;

import static org.beamsamza.state.beam.StateKeyLayout.concat;
import static org.beamsamza.state.beam.StateKeyLayout.lengthPrefixed;
import static org.beamsamza.state.beam.StateKeyLayout.orderedTimestamp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;

/**
 * The watermark holds of one step in one task, across all keys, indexed in a {@link KeyValueStore}
 * so that the earliest hold is one prefix scan away without reading every key's state: the step's
 * output watermark may not pass it. It is the store-backed counterpart of the heap {@link
 * WatermarkHolds}, and survives restarts with the store.
 *
 * <p>Layout (variable components length-prefixed as in {@link StateKeyLayout}; hold times
 * big-endian with the sign bit flipped, so byte order is time order):
 *
 * <pre>
 * by time  [0x04][stepId][hold time][key][namespace][stateId] -> empty
 * by id    [0x05][stepId][key][namespace][stateId] -> hold time (8 bytes, same encoding)
 * </pre>
 *
 * The by-id record finds the old time-order entry when a hold moves or is cleared. Not thread-safe,
 * like the store.
 */
public final class KeyValueWatermarkHolds implements HoldIndex {
  private static final byte[] EMPTY = new byte[0];

  private final KeyValueStore store;
  private final byte[] byTimePrefix;
  private final byte[] byIdPrefix;
  private final byte[] byTimeEnd;

  /**
   * No by-time entry is below this key: {@link #earliest()} seeks here instead of to the start of
   * the index, where RocksDB would step over the tombstones of every hold released since the last
   * compaction (holds move forward, so they pile up exactly there). Lowered by any set below it.
   */
  private byte[] floor;

  /** Holds of {@code stepId} in {@code store}, including those already there after a restart. */
  public KeyValueWatermarkHolds(KeyValueStore store, String stepId) {
    this.store = store;
    this.byTimePrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_HOLD_BY_TIME, stepId);
    this.byIdPrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_HOLD_BY_ID, stepId);
    this.byTimeEnd = Bytes.prefixUpperBound(byTimePrefix);
    this.floor = byTimePrefix;
  }

  /**
   * Sets the hold of one cell (key, state namespace string key, state id) to {@code hold}, or
   * removes it when {@code hold} is null.
   */
  @Override
  public void set(ByteKey key, String namespace, String stateId, Instant hold) {
    byte[] identity =
        concat(
            lengthPrefixed(key.bytes()),
            lengthPrefixed(namespace.getBytes(StandardCharsets.UTF_8)),
            lengthPrefixed(stateId.getBytes(StandardCharsets.UTF_8)));
    byte[] idKey = concat(byIdPrefix, identity);
    byte[] previous = store.get(idKey);
    byte[] next = hold == null ? null : orderedTimestamp(hold.getMillis());
    if (Arrays.equals(previous, next)) {
      return;
    }
    if (previous != null) {
      store.delete(concat(byTimePrefix, previous, identity));
    }
    if (next == null) {
      store.delete(idKey);
    } else {
      byte[] timeKey = concat(byTimePrefix, next, identity);
      if (Arrays.compareUnsigned(timeKey, floor) < 0) {
        floor = timeKey;
      }
      store.put(timeKey, EMPTY);
      store.put(idKey, next);
    }
  }

  /** The earliest hold of the step over all keys, or null if none is held. */
  @Override
  public Instant earliest() {
    try (KeyValueIterator it = store.range(floor, byTimeEnd)) {
      if (!it.hasNext()) {
        floor = byTimeEnd;
        return null;
      }
      byte[] first = it.next().key();
      floor = first;
      return new Instant(StateKeyLayout.readOrderedTimestamp(first, byTimePrefix.length));
    }
  }
}
