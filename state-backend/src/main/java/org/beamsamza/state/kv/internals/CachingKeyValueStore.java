package org.beamsamza.state.kv.internals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * A write-back LRU cache of hot keys in front of a slower store (RocksDB, through the changelog
 * logger). Beam state code reads and rewrites the same few keys per element (a combining
 * accumulator, a bag's index), so absorbing repeated writes here saves both RocksDB writes and
 * changelog records (DESIGN decision 5: metered -> caching -> logging -> RocksDB).
 *
 * <p>The cache holds at most {@code maxEntries} keys and about {@code maxBytes} of keys and values
 * (so that large values cannot fill the heap: state is meant to outgrow it; a value larger than
 * {@code maxBytes} is not cached at all but written through). Writes and deletes (as tombstones)
 * are kept dirty in the cache; all dirty entries go to the inner store in one {@code putAll} (and
 * one {@code deleteAll}) when a dirty entry is evicted or on {@link #flush()}. A flush visits only
 * the dirty entries (they are also kept in a list). Reads check the cache first, and a value read
 * from the inner store is cached clean, an absent key as a clean null. Iterators first write all
 * dirty entries down and then iterate the inner store, which is simple and always sees cached
 * writes. Not thread-safe: one task thread.
 */
public final class CachingKeyValueStore implements KeyValueStore {

  private final KeyValueStore inner;
  private final int maxEntries;

  /** The cached entries, in LRU order, with their dirty bits (see {@link ByteKeyLruTable}). */
  private final ByteKeyLruTable cache = new ByteKeyLruTable();

  /**
   * The dirty slots of {@link #cache}, in the order they became dirty: a flush visits only these,
   * not the whole cache (iterators flush first, so a flush per prefix scan must cost O(dirty), not
   * O(cached)). Every slot here is live in the cache: evicting a dirty slot flushes first.
   */
  private int[] dirty = new int[16];

  private int dirtyCount;

  private final long maxBytes;

  /** Approximate heap held by cached keys and values. */
  private long bytes;

  /** Per-entry overhead counted on top of key and value bytes (map node, slot, wrappers). */
  static final int ENTRY_OVERHEAD_BYTES = 96;

  private long hits;
  private long misses;
  private boolean closed;

  public CachingKeyValueStore(KeyValueStore inner, int maxEntries) {
    this(inner, maxEntries, Long.MAX_VALUE);
  }

  public CachingKeyValueStore(KeyValueStore inner, int maxEntries, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
    }
    this.inner = Objects.requireNonNull(inner, "inner");
    this.maxEntries = maxEntries;
  }

  private static long sizeOf(byte[] key, byte[] value) {
    return ENTRY_OVERHEAD_BYTES + key.length + (value == null ? 0 : value.length);
  }

  /** Approximate heap bytes held by the cache. */
  public long sizeInBytes() {
    return bytes;
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    int hash = CacheKey.hash(key);
    int slot = cache.find(key, hash);
    if (slot != ByteKeyLruTable.NONE) {
      hits++;
      cache.touch(slot);
      return cache.value(slot);
    }
    misses++;
    byte[] value = inner.get(key);
    if (value != null && sizeOf(key, value) > maxBytes) {
      return value; // larger than the whole cache: keeping it would only evict everything else
    }
    // Absent keys are cached too (clean, null): state code reads many cells that are usually
    // empty (a trigger's finished bits, pane info), and each miss would go to RocksDB again.
    insert(key.clone(), hash, value, false);
    return value;
  }

  @Override
  public List<byte[]> getAll(List<byte[]> keys) {
    List<byte[]> out = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      out.add(get(k));
    }
    return out;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    checkOpen();
    Objects.requireNonNull(value, "value");
    if (sizeOf(key, value) > maxBytes) {
      writeThrough(key, value.clone());
    } else {
      write(key, value.clone());
    }
  }

  /**
   * A batch at least this large is a bulk load (a sorted grouping's log, written once and read once
   * in order): it bypasses the cache rather than evicting the hot entries it holds, entry by entry.
   */
  static final int WRITE_THROUGH_BATCH = 1024;

  /**
   * Small batches go through the cache like single puts. A batch of {@link #WRITE_THROUGH_BATCH} or
   * more entries goes straight to the inner store, after the dirty entries (so the inner store sees
   * writes in order), and drops its keys from the cache (one lookup each, no insert or eviction).
   */
  @Override
  public void putAll(List<Entry> entries) {
    checkOpen();
    if (entries.size() < WRITE_THROUGH_BATCH) {
      for (Entry e : entries) {
        put(e.key(), e.value());
      }
      return;
    }
    flushDirty();
    for (Entry e : entries) {
      int stale = cache.find(e.key(), CacheKey.hash(e.key()));
      if (stale != ByteKeyLruTable.NONE) {
        bytes -= sizeOf(cache.key(stale), cache.value(stale));
        cache.remove(stale);
      }
    }
    inner.putAll(entries);
  }

  @Override
  public void delete(byte[] key) {
    checkOpen();
    write(key, null);
  }

  @Override
  public void deleteAll(List<byte[]> keys) {
    for (byte[] k : keys) {
      delete(k);
    }
  }

  /**
   * Writes the dirty entries down (so the inner store has every write in order), drops the cached
   * keys in the range (one pass over the cache), then deletes the range below in one call.
   */
  @Override
  public void deleteRange(byte[] from, byte[] to) {
    checkOpen();
    if (Arrays.compareUnsigned(from, to) >= 0) {
      return;
    }
    flushDirty();
    for (int s = cache.eldest(); s != ByteKeyLruTable.NONE; ) {
      int younger = cache.younger(s);
      byte[] key = cache.key(s);
      if (Arrays.compareUnsigned(key, from) >= 0 && Arrays.compareUnsigned(key, to) < 0) {
        bytes -= sizeOf(key, cache.value(s));
        cache.remove(s);
      }
      s = younger;
    }
    inner.deleteRange(from, to);
  }

  @Override
  public KeyValueIterator range(byte[] from, byte[] to) {
    checkOpen();
    flushDirty();
    return inner.range(from, to);
  }

  @Override
  public KeyValueIterator prefix(byte[] prefix) {
    checkOpen();
    flushDirty();
    return inner.prefix(prefix);
  }

  @Override
  public KeyValueIterator all() {
    checkOpen();
    flushDirty();
    return inner.all();
  }

  @Override
  public void flush() {
    checkOpen();
    flushDirty();
    inner.flush();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      flushDirty();
    } finally {
      closed = true;
      cache.clear();
      dirtyCount = 0;
      bytes = 0;
      inner.close();
    }
  }

  /** Number of keys currently cached. */
  public int size() {
    return cache.size();
  }

  /** Number of cached writes not yet in the inner store. */
  public int dirtyCount() {
    return dirtyCount;
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  private void write(byte[] key, byte[] value) {
    int hash = CacheKey.hash(key);
    int slot = cache.find(key, hash);
    if (slot != ByteKeyLruTable.NONE) {
      byte[] old = cache.value(slot);
      bytes += (value == null ? 0 : value.length) - (old == null ? 0 : old.length);
      cache.setValue(slot, value);
      cache.touch(slot);
      markDirty(slot);
    } else {
      insert(key.clone(), hash, value, true);
    }
  }

  /**
   * Writes a value larger than the whole cache straight to the inner store (after the dirty
   * entries, so the inner store sees writes in order) and drops the key from the cache: caching it
   * would evict everything else and keep the value on the heap.
   */
  private void writeThrough(byte[] key, byte[] value) {
    flushDirty();
    int stale = cache.find(key, CacheKey.hash(key));
    if (stale != ByteKeyLruTable.NONE) {
      bytes -= sizeOf(cache.key(stale), cache.value(stale));
      cache.remove(stale);
    }
    inner.put(key, value);
  }

  private void markDirty(int slot) {
    if (!cache.isDirty(slot)) {
      cache.setDirty(slot, true);
      addDirty(slot);
    }
  }

  private void addDirty(int slot) {
    if (dirtyCount == dirty.length) {
      dirty = Arrays.copyOf(dirty, dirtyCount * 2);
    }
    dirty[dirtyCount++] = slot;
  }

  /**
   * Adds an absent key (owned from now on) as the youngest entry, then evicts down to the bounds.
   */
  private void insert(byte[] ownedKey, int hash, byte[] value, boolean isDirty) {
    int slot = cache.add(ownedKey, hash, value, isDirty);
    if (isDirty) {
      addDirty(slot);
    }
    bytes += sizeOf(ownedKey, value);
    while (cache.size() > maxEntries || (bytes > maxBytes && cache.size() > 1)) {
      int eldest = cache.eldest();
      if (cache.isDirty(eldest)) {
        flushDirty();
      }
      bytes -= sizeOf(cache.key(eldest), cache.value(eldest));
      cache.remove(eldest);
    }
  }

  /** Writes every dirty entry to the inner store in one batch per kind and marks them clean. */
  private void flushDirty() {
    int n = dirtyCount;
    if (n == 0) {
      return;
    }
    int deletes = 0;
    for (int i = 0; i < n; i++) {
      if (cache.value(dirty[i]) == null) {
        deletes++;
      }
    }
    List<Entry> puts = new ArrayList<>(n - deletes);
    List<byte[]> deleted = new ArrayList<>(deletes);
    for (int i = 0; i < n; i++) {
      int s = dirty[i];
      byte[] v = cache.value(s);
      if (v == null) {
        deleted.add(cache.key(s));
      } else {
        puts.add(new Entry(cache.key(s), v));
      }
      cache.setDirty(s, false);
    }
    dirtyCount = 0;
    if (dirty.length > 1024 && n < dirty.length / 4) {
      dirty = new int[Math.max(16, dirty.length / 2)];
    }
    // Keys are distinct, so the order of the two batches does not matter.
    if (!puts.isEmpty()) {
      inner.putAll(puts);
    }
    if (!deleted.isEmpty()) {
      inner.deleteAll(deleted);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }
}
