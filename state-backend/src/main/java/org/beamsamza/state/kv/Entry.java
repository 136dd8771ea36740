package org.beamsamza.state.kv;

import java.util.Arrays;

/**
 * One key-value pair of a {@link KeyValueStore}. A record so that callers can build batches for
 * {@link KeyValueStore#putAll} and read iterator results without a store-specific type. Equality
 * compares the byte contents (records over arrays would otherwise compare identity).
 *
 * <p>A {@code null} value is only meaningful for changelog records (a tombstone, see {@link
 * ChangelogRestorer}); stores never return entries with null values.
 */
public record Entry(byte[] key, byte[] value) {

  public Entry {
    if (key == null) {
      throw new NullPointerException("key");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Entry["
        + Bytes.toHex(key)
        + " -> "
        + (value == null ? "null" : Bytes.toHex(value))
        + "]";
  }
}
