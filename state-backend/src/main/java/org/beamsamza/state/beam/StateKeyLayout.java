package org.beamsamza.state.beam;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte layout of Beam state in a {@link org.beamsamza.state.kv.KeyValueStore} (DESIGN decision
 * 4). One state cell lives under the prefix
 *
 * <pre>
 * [kind][len stepId][stepId][len key][key][len namespace][namespace][len stateId][stateId]
 * </pre>
 *
 * where every {@code len} is a 4-byte big-endian length and {@code kind} is the record family
 * ({@link #KIND_STATE} for state cells; other values are left for timers). Because every variable
 * component is length-prefixed, the components can be parsed back unambiguously, so no cell prefix
 * is a prefix of another cell's prefix: {@code clear()} of a cell is a prefix scan that cannot
 * reach a neighbour (state id {@code "a"} does not swallow {@code "ab"}, namespace {@code "w1"}
 * does not swallow {@code "w1x"}). All of one step's state for one key is the prefix {@link
 * #keyPrefix}.
 *
 * <p>Within a cell, one byte separates the single-entry part from the element part: {@link #META}
 * (a value, an accumulator, a watermark hold, or a collection's sequence counter) and {@link
 * #ELEMENT} (bag, set, map, multimap and ordered-list elements, whose suffix is the element key
 * described on each state class). Shared here so that timers and tooling can follow the same
 * layout.
 */
public final class StateKeyLayout {

  /** Record family of Beam state cells. */
  public static final byte KIND_STATE = 0x01;

  /** Timers in firing order (see {@link KeyValueTimers}). */
  public static final byte KIND_TIMER_BY_TIME = 0x02;

  /** Timers by identity, pointing at their firing-order entry (see {@link KeyValueTimers}). */
  public static final byte KIND_TIMER_BY_ID = 0x03;

  /** Watermark holds in time order (see {@link KeyValueWatermarkHolds}). */
  public static final byte KIND_HOLD_BY_TIME = 0x04;

  /** Watermark holds by identity, holding the current hold (see {@link KeyValueWatermarkHolds}). */
  public static final byte KIND_HOLD_BY_ID = 0x05;

  /** Event-time timers in output-timestamp order (see {@link KeyValueTimers}). */
  public static final byte KIND_TIMER_BY_OUTPUT = 0x06;

  /** Main-input elements pushed back until their side inputs are ready ({@link PushedBack}). */
  public static final byte KIND_PUSHED_BACK = 0x08;

  /** Suffix byte of a cell's single entry (value, accumulator, hold, or sequence counter). */
  public static final byte META = 0x00;

  /** Suffix byte that starts every element entry of a collection state. */
  public static final byte ELEMENT = 0x01;

  private StateKeyLayout() {}

  /** {@code [kind][len stepId][stepId][len key][key]}: everything one step keeps for one key. */
  public static byte[] keyPrefix(byte kind, String stepId, byte[] key) {
    byte[] step = stepId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + step.length + 4 + key.length);
    b.put(kind).putInt(step.length).put(step).putInt(key.length).put(key);
    return b.array();
  }

  /** {@code [kind][len stepId][stepId]}: everything of one record family of one step. */
  public static byte[] stepPrefix(byte kind, String stepId) {
    byte[] step = stepId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + step.length).put(kind).putInt(step.length).put(step).array();
  }

  /** The prefix of one cell: {@code keyPrefix} followed by the namespace and state id. */
  public static byte[] cellPrefix(byte[] keyPrefix, String namespaceKey, String stateId) {
    byte[] ns = namespaceKey.getBytes(StandardCharsets.UTF_8);
    byte[] id = stateId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(keyPrefix.length + 4 + ns.length + 4 + id.length);
    b.put(keyPrefix).putInt(ns.length).put(ns).putInt(id.length).put(id);
    return b.array();
  }

  /** {@code [len][bytes]}, for element-key components that must not be prefixes of each other. */
  public static byte[] lengthPrefixed(byte[] bytes) {
    return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
  }

  /** Big-endian 8 bytes: unsigned byte order equals numeric order for non-negative values. */
  public static byte[] longBigEndian(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  /** Writes {@code v} big-endian into {@code out[offset..offset+8)}. */
  public static void putLongBigEndian(byte[] out, int offset, long v) {
    for (int i = 7; i >= 0; i--) {
      out[offset + i] = (byte) v;
      v >>>= 8;
    }
  }

  /**
   * Big-endian 8 bytes with the sign bit flipped, so that unsigned byte order equals signed numeric
   * order (negative timestamps sort before positive ones).
   */
  public static byte[] orderedTimestamp(long millis) {
    return longBigEndian(millis ^ Long.MIN_VALUE);
  }

  /** Inverse of {@link #orderedTimestamp}, reading 8 bytes at {@code offset}. */
  public static long readOrderedTimestamp(byte[] bytes, int offset) {
    return ByteBuffer.wrap(bytes, offset, 8).getLong() ^ Long.MIN_VALUE;
  }

  /** Concatenation of {@code parts}. */
  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
