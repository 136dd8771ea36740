package org.beamsamza.state.kv.internals;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A byte-array key with content equality, for hash maps inside the stores. */
final class CacheKey {
  final byte[] bytes;
  private final int hash;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  CacheKey(byte[] bytes) {
    this(bytes, hash(bytes));
  }

  /**
   * A well-mixed hash of the content. Not {@link Arrays#hashCode(byte[])}: state keys share long
   * prefixes and differ in a few small bytes (encoded keys, window ids), where that polynomial hash
   * collides so often that the cache's buckets turned into trees and lookups dominated profiles.
   * Eight bytes at a time, each word mixed by a multiply-rotate, finished with a murmur3 fmix.
   */
  static int hash(byte[] b) {
    long h = 0x9E3779B97F4A7C15L ^ b.length;
    int i = 0;
    for (; i + 8 <= b.length; i += 8) {
      h =
          Long.rotateLeft(h ^ ((long) LONGS.get(b, i) * 0xC2B2AE3D27D4EB4FL), 31)
              * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (int shift = 0; i < b.length; i++, shift += 8) {
      tail |= (b[i] & 0xFFL) << shift;
    }
    h = Long.rotateLeft(h ^ (tail * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return (int) h;
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
