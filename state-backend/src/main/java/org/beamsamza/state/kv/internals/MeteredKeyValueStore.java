package org.beamsamza.state.kv.internals;

import java.util.List;
import java.util.Objects;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * Counts what the layers below do, as the outermost decorator (DESIGN decision 5), so that a task
 * can report store traffic and time without a metrics library: operations, bytes and total
 * nanoseconds per kind of operation. Batch calls count one per entry and time the whole call. Bytes
 * written are key plus value bytes (key bytes for deletes); bytes read are the value bytes of gets
 * and the key plus value bytes of iterated entries. Plain fields: one task thread.
 */
public final class MeteredKeyValueStore implements KeyValueStore {

  private final KeyValueStore inner;
  private long gets;
  private long puts;
  private long deletes;
  private long iterators;
  private long bytesRead;
  private long bytesWritten;
  private long getNanos;
  private long putNanos;
  private long deleteNanos;
  private long iteratorNanos;
  private long flushNanos;

  public MeteredKeyValueStore(KeyValueStore inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  @Override
  public byte[] get(byte[] key) {
    long start = System.nanoTime();
    byte[] v = inner.get(key);
    getNanos += System.nanoTime() - start;
    gets++;
    bytesRead += v == null ? 0 : v.length;
    return v;
  }

  @Override
  public List<byte[]> getAll(List<byte[]> keys) {
    long start = System.nanoTime();
    List<byte[]> vs = inner.getAll(keys);
    getNanos += System.nanoTime() - start;
    gets += keys.size();
    for (byte[] v : vs) {
      bytesRead += v == null ? 0 : v.length;
    }
    return vs;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    long start = System.nanoTime();
    inner.put(key, value);
    putNanos += System.nanoTime() - start;
    puts++;
    bytesWritten += key.length + value.length;
  }

  @Override
  public void putAll(List<Entry> entries) {
    long start = System.nanoTime();
    inner.putAll(entries);
    putNanos += System.nanoTime() - start;
    puts += entries.size();
    for (Entry e : entries) {
      bytesWritten += e.key().length + e.value().length;
    }
  }

  @Override
  public void delete(byte[] key) {
    long start = System.nanoTime();
    inner.delete(key);
    deleteNanos += System.nanoTime() - start;
    deletes++;
    bytesWritten += key.length;
  }

  @Override
  public void deleteRange(byte[] from, byte[] to) {
    long start = System.nanoTime();
    inner.deleteRange(from, to);
    deleteNanos += System.nanoTime() - start;
  }

  @Override
  public void deleteAll(List<byte[]> keys) {
    long start = System.nanoTime();
    inner.deleteAll(keys);
    deleteNanos += System.nanoTime() - start;
    deletes += keys.size();
    for (byte[] k : keys) {
      bytesWritten += k.length;
    }
  }

  @Override
  public KeyValueIterator range(byte[] from, byte[] to) {
    long start = System.nanoTime();
    KeyValueIterator it = inner.range(from, to);
    return metered(it, start);
  }

  @Override
  public KeyValueIterator prefix(byte[] prefix) {
    long start = System.nanoTime();
    KeyValueIterator it = inner.prefix(prefix);
    return metered(it, start);
  }

  @Override
  public KeyValueIterator all() {
    long start = System.nanoTime();
    KeyValueIterator it = inner.all();
    return metered(it, start);
  }

  @Override
  public void flush() {
    long start = System.nanoTime();
    inner.flush();
    flushNanos += System.nanoTime() - start;
  }

  @Override
  public void close() {
    inner.close();
  }

  private KeyValueIterator metered(KeyValueIterator it, long start) {
    iteratorNanos += System.nanoTime() - start;
    iterators++;
    return new KeyValueIterator() {
      @Override
      public boolean hasNext() {
        long s = System.nanoTime();
        boolean has = it.hasNext();
        iteratorNanos += System.nanoTime() - s;
        return has;
      }

      @Override
      public Entry next() {
        long s = System.nanoTime();
        Entry e = it.next();
        iteratorNanos += System.nanoTime() - s;
        bytesRead += e.key().length + e.value().length;
        return e;
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }

  /** Keys looked up (one per key of a {@code getAll}). */
  public long gets() {
    return gets;
  }

  /** Keys written (one per entry of a {@code putAll}). */
  public long puts() {
    return puts;
  }

  /** Keys deleted (one per key of a {@code deleteAll}). */
  public long deletes() {
    return deletes;
  }

  /** Iterators opened by {@code range}, {@code prefix} and {@code all}. */
  public long iterators() {
    return iterators;
  }

  public long bytesRead() {
    return bytesRead;
  }

  public long bytesWritten() {
    return bytesWritten;
  }

  public long getNanos() {
    return getNanos;
  }

  public long putNanos() {
    return putNanos;
  }

  public long deleteNanos() {
    return deleteNanos;
  }

  /** Time opening iterators and in their {@code hasNext}/{@code next}. */
  public long iteratorNanos() {
    return iteratorNanos;
  }

  public long flushNanos() {
    return flushNanos;
  }
}
