package org.beamsamza.state.kv;

import java.util.List;

/**
 * A task-local key-value store over byte strings, ordered lexicographically by unsigned bytes (see
 * {@link Bytes#ORDER}). This is the one interface that the RocksDB and in-memory stores implement
 * and that the decorators (logging, caching, metering) wrap, so that Beam state can be laid out as
 * ordered keys {@code [kind][key][namespace][state id]} and one key's state is a prefix scan
 * (DESIGN decisions 4 and 5). Modelled on Samza's {@code KeyValueStore}.
 *
 * <p>Stores are used by one task thread; implementations need not be thread-safe. Keys and values
 * must not be null; callers must not modify arrays after passing them in or after receiving them.
 * Every method except {@link #close()} throws {@link IllegalStateException} after close.
 */
public interface KeyValueStore extends AutoCloseable {

  /** The value of {@code key}, or {@code null} when absent. */
  byte[] get(byte[] key);

  /** The values of {@code keys}, position for position, {@code null} where absent. */
  List<byte[]> getAll(List<byte[]> keys);

  /** Sets {@code key} to {@code value}, replacing any previous value. */
  void put(byte[] key, byte[] value);

  /**
   * Puts every entry, in list order (a later entry for the same key wins); atomic where the
   * implementation can be.
   */
  void putAll(List<Entry> entries);

  /** Removes {@code key}; no-op when absent. */
  void delete(byte[] key);

  /** Removes every key of {@code keys}. */
  void deleteAll(List<byte[]> keys);

  /**
   * Removes every key with {@code from <= key < to} (both non-null): one range tombstone where the
   * implementation has them (RocksDB), so that dropping a large run of keys costs no write per key.
   * This default removes key by key.
   */
  default void deleteRange(byte[] from, byte[] to) {
    java.util.List<byte[]> keys = new java.util.ArrayList<>();
    try (KeyValueIterator it = range(from, to)) {
      it.forEachRemaining(e -> keys.add(e.key()));
    }
    if (!keys.isEmpty()) {
      deleteAll(keys);
    }
  }

  /**
   * Entries with {@code from <= key < to}, in order. A {@code null} bound means unbounded on that
   * side. Empty when {@code from >= to}.
   */
  KeyValueIterator range(byte[] from, byte[] to);

  /** Entries whose key starts with {@code prefix}, in order. */
  KeyValueIterator prefix(byte[] prefix);

  /** Every entry, in order. */
  KeyValueIterator all();

  /** Makes previous writes durable in this layer and the layers below it. */
  void flush();

  /** Releases the store's resources; further calls except {@code close} fail. Idempotent. */
  @Override
  void close();
}
