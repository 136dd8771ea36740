package org.beamsamza.state.kv.internals;

import java.util.List;
import java.util.Objects;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * Sends every write to a changelog as well as to the inner store, so that the store can be rebuilt
 * on another container from the changelog (DESIGN decision 5). Deletes become tombstones (null
 * values), which the compacted changelog eventually drops. Writes reach the inner store first and
 * then the changelog, in call order.
 *
 * <p>{@link #flush()} flushes the inner store and then the changelog: the commit protocol writes
 * the checkpoint only after both, so a restored store is never behind the checkpoint. Reads and
 * iterators pass straight through. {@link #close()} closes the inner store only; the changelog
 * writer belongs to the caller.
 */
public final class LoggedKeyValueStore implements KeyValueStore {

  private final KeyValueStore inner;
  private final ChangelogWriter changelog;

  public LoggedKeyValueStore(KeyValueStore inner, ChangelogWriter changelog) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.changelog = Objects.requireNonNull(changelog, "changelog");
  }

  @Override
  public byte[] get(byte[] key) {
    return inner.get(key);
  }

  @Override
  public List<byte[]> getAll(List<byte[]> keys) {
    return inner.getAll(keys);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    inner.put(key, value);
    changelog.write(key, value);
  }

  @Override
  public void putAll(List<Entry> entries) {
    inner.putAll(entries);
    for (Entry e : entries) {
      changelog.write(e.key(), e.value());
    }
  }

  @Override
  public void delete(byte[] key) {
    inner.delete(key);
    changelog.write(key, null);
  }

  /**
   * A changelog has no range tombstone: every key in the range is logged deleted (read from the
   * inner store first), then the inner store drops the range at once.
   */
  @Override
  public void deleteRange(byte[] from, byte[] to) {
    List<byte[]> keys = new java.util.ArrayList<>();
    try (KeyValueIterator it = inner.range(from, to)) {
      it.forEachRemaining(e -> keys.add(e.key()));
    }
    inner.deleteRange(from, to);
    for (byte[] k : keys) {
      changelog.write(k, null);
    }
  }

  @Override
  public void deleteAll(List<byte[]> keys) {
    inner.deleteAll(keys);
    for (byte[] k : keys) {
      changelog.write(k, null);
    }
  }

  @Override
  public KeyValueIterator range(byte[] from, byte[] to) {
    return inner.range(from, to);
  }

  @Override
  public KeyValueIterator prefix(byte[] prefix) {
    return inner.prefix(prefix);
  }

  @Override
  public KeyValueIterator all() {
    return inner.all();
  }

  @Override
  public void flush() {
    inner.flush();
    changelog.flush();
  }

  @Override
  public void close() {
    inner.close();
  }
}
