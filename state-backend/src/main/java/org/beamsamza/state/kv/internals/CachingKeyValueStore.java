package org.beamsamza.state.kv.internals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A cached value; {@code value == null} is a cached delete (or a known-absent key). */
  private static final class Slot {
    final CacheKey key;
    byte[] value;
    boolean dirty;

    Slot(CacheKey key, byte[] value) {
      this.key = key;
      this.value = value;
    }
  }

  private final KeyValueStore inner;
  private final int maxEntries;
  private final LinkedHashMap<CacheKey, Slot> cache = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * The dirty slots, in the order they became dirty: a flush visits only these, not the whole cache
   * (iterators flush first, so a flush per prefix scan must cost O(dirty), not O(cached)). Every
   * slot here is still in {@link #cache}: evicting a dirty slot flushes first.
   */
  private final ArrayList<Slot> dirty = new ArrayList<>();

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
    CacheKey probe = new CacheKey(key);
    Slot slot = cache.get(probe);
    if (slot != null) {
      hits++;
      return slot.value;
    }
    misses++;
    byte[] value = inner.get(key);
    if (value != null && sizeOf(key, value) > maxBytes) {
      return value; // larger than the whole cache: keeping it would only evict everything else
    }
    // Absent keys are cached too (clean, null): state code reads many cells that are usually
    // empty (a trigger's finished bits, pane info), and each miss would go to RocksDB again.
    CacheKey k = new CacheKey(key.clone(), probe.hashCode());
    insert(k, new Slot(k, value));
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

  @Override
  public void putAll(List<Entry> entries) {
    for (Entry e : entries) {
      put(e.key(), e.value());
    }
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
    return dirty.size();
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  private void write(byte[] key, byte[] value) {
    CacheKey k = new CacheKey(key);
    Slot slot = cache.get(k);
    if (slot != null) {
      bytes += (value == null ? 0 : value.length) - (slot.value == null ? 0 : slot.value.length);
      slot.value = value;
      markDirty(slot);
    } else {
      CacheKey owned = new CacheKey(key.clone(), k.hashCode());
      slot = new Slot(owned, value);
      markDirty(slot);
      insert(owned, slot);
    }
  }

  /**
   * Writes a value larger than the whole cache straight to the inner store (after the dirty
   * entries, so the inner store sees writes in order) and drops the key from the cache: caching it
   * would evict everything else and keep the value on the heap.
   */
  private void writeThrough(byte[] key, byte[] value) {
    flushDirty();
    Slot stale = cache.remove(new CacheKey(key));
    if (stale != null) {
      bytes -= sizeOf(stale.key.bytes, stale.value);
    }
    inner.put(key, value);
  }

  private void markDirty(Slot slot) {
    if (!slot.dirty) {
      slot.dirty = true;
      dirty.add(slot);
    }
  }

  private void insert(CacheKey key, Slot slot) {
    cache.put(key, slot);
    bytes += sizeOf(key.bytes, slot.value);
    while (cache.size() > maxEntries || (bytes > maxBytes && cache.size() > 1)) {
      Iterator<Map.Entry<CacheKey, Slot>> eldest = cache.entrySet().iterator();
      Map.Entry<CacheKey, Slot> e = eldest.next();
      if (e.getValue().dirty) {
        flushDirty();
      }
      bytes -= sizeOf(e.getKey().bytes, e.getValue().value);
      eldest.remove();
    }
  }

  /** Writes every dirty entry to the inner store in one batch per kind and marks them clean. */
  private void flushDirty() {
    if (dirty.isEmpty()) {
      return;
    }
    List<Entry> puts = new ArrayList<>(dirty.size());
    List<byte[]> deletes = new ArrayList<>();
    for (Slot s : dirty) {
      if (s.value == null) {
        deletes.add(s.key.bytes);
      } else {
        puts.add(new Entry(s.key.bytes, s.value));
      }
      s.dirty = false;
    }
    dirty.clear();
    // Keys are distinct, so the order of the two batches does not matter.
    if (!puts.isEmpty()) {
      inner.putAll(puts);
    }
    if (!deletes.isEmpty()) {
      inner.deleteAll(deletes);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }
}
