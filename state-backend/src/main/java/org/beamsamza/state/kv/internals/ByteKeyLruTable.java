package org.beamsamza.state.kv.internals;

import java.util.Arrays;

/**
 * The write-back cache's table: byte-array keys to byte-array values (null allowed), in LRU order,
 * with a dirty bit per entry, in flat arrays instead of a {@code LinkedHashMap<CacheKey, Slot>}.
 * Profiles of keyed state put ~37% of self time in {@code HashMap.getNode/removeNode/putVal} under
 * the cache, plus a {@code CacheKey} allocated per lookup; here a lookup allocates nothing.
 *
 * <p>Entries live in slots (parallel arrays: key, value, cached {@link CacheKey#hash hash}, LRU
 * links, dirty bit); a slot's number is stable while the entry lives, so callers hold slot numbers
 * (e.g. in a dirty list). The index is an open-addressing table (linear probing, load at most 1/2)
 * of {@code slot + 1}, 0 meaning empty; removal shifts later entries of the probe run back (no
 * tombstones). The LRU list is doubly linked through {@code int} arrays; freed slots are reused
 * through a free list. Arrays grow by doubling as entries are added, so an idle store's cache costs
 * a few hundred bytes. Not thread-safe.
 */
final class ByteKeyLruTable {
  static final int NONE = -1;
  private static final int MIN_SLOTS = 8;

  private byte[][] keys;
  private byte[][] values;
  private int[] hashes;
  private int[] prev;
  private int[] next;
  private boolean[] dirty;

  /** Open-addressing index: {@code slot + 1}, or 0 for empty. Length a power of two. */
  private int[] index;

  private int mask;
  private int size;

  /** Slots ever used (the free list holds freed ones below this). */
  private int used;

  private int freeHead = NONE;
  private int eldest = NONE;
  private int youngest = NONE;

  ByteKeyLruTable() {
    allocate(MIN_SLOTS);
  }

  private void allocate(int slots) {
    keys = new byte[slots][];
    values = new byte[slots][];
    hashes = new int[slots];
    prev = new int[slots];
    next = new int[slots];
    dirty = new boolean[slots];
    index = new int[slots * 2];
    mask = index.length - 1;
  }

  int size() {
    return size;
  }

  /** The slot holding {@code key} (whose hash is {@code hash}), or {@link #NONE}. */
  int find(byte[] key, int hash) {
    int[] idx = index;
    int m = mask;
    for (int p = hash & m; ; p = (p + 1) & m) {
      int s = idx[p] - 1;
      if (s < 0) {
        return NONE;
      }
      if (hashes[s] == hash && Arrays.equals(keys[s], key)) {
        return s;
      }
    }
  }

  /**
   * Adds {@code key} (owned by the table from now on; must be absent) as the youngest entry and
   * returns its slot.
   */
  int add(byte[] key, int hash, byte[] value, boolean isDirty) {
    if (size + 1 > keys.length) {
      grow();
    }
    int s;
    if (freeHead != NONE) {
      s = freeHead;
      freeHead = next[s];
    } else {
      s = used++;
    }
    keys[s] = key;
    values[s] = value;
    hashes[s] = hash;
    dirty[s] = isDirty;
    int p = hash & mask;
    while (index[p] != 0) {
      p = (p + 1) & mask;
    }
    index[p] = s + 1;
    linkYoungest(s);
    size++;
    return s;
  }

  /** Removes the entry in slot {@code s} (which must be live); its slot may be reused. */
  void remove(int s) {
    int m = mask;
    int p = hashes[s] & m;
    while (index[p] != s + 1) {
      p = (p + 1) & m;
    }
    // Backward-shift deletion: move later entries of the run into the hole when their home
    // position does not lie cyclically in (hole, their position].
    int hole = p;
    for (int j = (hole + 1) & m; index[j] != 0; j = (j + 1) & m) {
      int home = hashes[index[j] - 1] & m;
      boolean homeInRange = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!homeInRange) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = 0;
    unlink(s);
    keys[s] = null;
    values[s] = null;
    dirty[s] = false;
    next[s] = freeHead;
    freeHead = s;
    size--;
  }

  /** Makes slot {@code s} the youngest (most recently used) entry. */
  void touch(int s) {
    if (s != youngest) {
      unlink(s);
      linkYoungest(s);
    }
  }

  /** The least recently used entry's slot, or {@link #NONE} when empty. */
  int eldest() {
    return eldest;
  }

  /** The entry used next after slot {@code s}'s (towards the youngest), or {@link #NONE}. */
  int younger(int s) {
    return next[s];
  }

  byte[] key(int s) {
    return keys[s];
  }

  byte[] value(int s) {
    return values[s];
  }

  void setValue(int s, byte[] value) {
    values[s] = value;
  }

  boolean isDirty(int s) {
    return dirty[s];
  }

  void setDirty(int s, boolean d) {
    dirty[s] = d;
  }

  /** Removes every entry and shrinks back to the initial capacity. */
  void clear() {
    allocate(MIN_SLOTS);
    size = 0;
    used = 0;
    freeHead = NONE;
    eldest = NONE;
    youngest = NONE;
  }

  private void linkYoungest(int s) {
    prev[s] = youngest;
    next[s] = NONE;
    if (youngest == NONE) {
      eldest = s;
    } else {
      next[youngest] = s;
    }
    youngest = s;
  }

  private void unlink(int s) {
    int p = prev[s];
    int n = next[s];
    if (p == NONE) {
      eldest = n;
    } else {
      next[p] = n;
    }
    if (n == NONE) {
      youngest = p;
    } else {
      prev[n] = p;
    }
  }

  /** Doubles the slots and the index; slot numbers stay, the index is rebuilt. */
  private void grow() {
    int slots = keys.length * 2;
    keys = Arrays.copyOf(keys, slots);
    values = Arrays.copyOf(values, slots);
    hashes = Arrays.copyOf(hashes, slots);
    prev = Arrays.copyOf(prev, slots);
    next = Arrays.copyOf(next, slots);
    dirty = Arrays.copyOf(dirty, slots);
    index = new int[slots * 2];
    mask = index.length - 1;
    // Reinsert live slots (walking the LRU list: free slots are not in it).
    for (int s = eldest; s != NONE; s = next[s]) {
      int p = hashes[s] & mask;
      while (index[p] != 0) {
        p = (p + 1) & mask;
      }
      index[p] = s + 1;
    }
  }
}
