package org.beamsamza.state.kv.internals;

import java.util.Arrays;

/** A byte-array key with content equality, for hash maps inside the stores. */
final class CacheKey {
  final byte[] bytes;
  private final int hash;

  CacheKey(byte[] bytes) {
    this(bytes, Arrays.hashCode(bytes));
  }

  /** With a hash already computed for equal content (saves rehashing a copied key). */
  CacheKey(byte[] bytes, int hash) {
    this.bytes = bytes;
    this.hash = hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && hash == k.hash && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
