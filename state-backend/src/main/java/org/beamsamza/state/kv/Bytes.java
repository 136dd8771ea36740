package org.beamsamza.state.kv;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Byte-string helpers shared by every store so that all of them agree on one order: lexicographic
 * over unsigned bytes, which is RocksDB's default bytewise comparator. Signed comparison would put
 * keys with bytes {@code >= 0x80} first and break prefix scans.
 */
public final class Bytes {

  /** Unsigned lexicographic order, the order of every {@link KeyValueStore}. */
  public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private Bytes() {}

  /**
   * The smallest key greater than every key that starts with {@code prefix}, or {@code null} when
   * there is none (the prefix is empty or all {@code 0xFF}), meaning "no upper bound". Trailing
   * {@code 0xFF} bytes are dropped before incrementing, since they cannot be incremented.
   */
  public static byte[] prefixUpperBound(byte[] prefix) {
    int end = prefix.length;
    while (end > 0 && prefix[end - 1] == (byte) 0xFF) {
      end--;
    }
    if (end == 0) {
      return null;
    }
    byte[] bound = Arrays.copyOf(prefix, end);
    bound[end - 1]++;
    return bound;
  }

  /** Lower-case hex, for messages and {@code toString}. */
  public static String toHex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.toString();
  }
}
