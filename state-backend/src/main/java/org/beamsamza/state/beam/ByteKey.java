package org.beamsamza.state.beam;

import java.util.Arrays;

/**
 * A key as its encoded bytes. Beam groups by the encoded form of a key (two keys are the same key
 * when their coder encodes them to the same bytes), so state and timers are indexed by this, never
 * by the decoded object's {@code equals}.
 */
public final class ByteKey implements Comparable<ByteKey> {
  private final byte[] bytes;
  private final int hash;

  public ByteKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The encoded key; callers must not modify it. */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && hash == k.hash && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(ByteKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ByteKey[");
    for (int i = 0; i < Math.min(bytes.length, 16); i++) {
      sb.append(String.format("%02x", bytes[i]));
    }
    return sb.append(bytes.length > 16 ? "..]" : "]").toString();
  }
}
