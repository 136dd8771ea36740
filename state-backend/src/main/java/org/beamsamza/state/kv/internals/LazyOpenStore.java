package org.beamsamza.state.kv.internals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.OrderedBatchWrites;

/**
 * A store that is known to start empty and opens its inner store only when first written: until
 * then every read answers "absent" without opening anything. A stage of thousands of tasks, most of
 * which never see a key (a PAssert's single-key GroupByKey, a sparse key space), then opens only
 * the stores that hold state, and a task's first watermark or end of input costs no store open.
 *
 * <p>Only for stores with nothing to read yet: {@link
 * org.beamsamza.state.engine.KeyValueStorageEngineFactory} uses it when the store directory holds
 * no database (a new or wiped task store); a restore writes through it, which opens it.
 */
public final class LazyOpenStore<S extends KeyValueStore & OrderedBatchWrites>
    implements KeyValueStore, OrderedBatchWrites {
  private final Supplier<S> opener;
  private S inner;
  private boolean closed;

  public LazyOpenStore(Supplier<S> opener) {
    this.opener = opener;
  }

  /** Whether the inner store has been opened (for tests and metrics). */
  /** The opened store, or null while it is not open yet. */
  public S openedOrNull() {
    return inner;
  }

  public boolean isOpen() {
    return inner != null;
  }

  private S open() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
    if (inner == null) {
      inner = opener.get();
    }
    return inner;
  }

  @Override
  public byte[] get(byte[] key) {
    return inner == null ? absentUnlessClosed(null) : inner.get(key);
  }

  @Override
  public List<byte[]> getAll(List<byte[]> keys) {
    if (inner != null) {
      return inner.getAll(keys);
    }
    absentUnlessClosed(null);
    List<byte[]> absent = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      absent.add(null);
    }
    return absent;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    open().put(key, value);
  }

  @Override
  public void putAll(List<Entry> entries) {
    if (!entries.isEmpty()) {
      open().putAll(entries);
    }
  }

  @Override
  public void writeInOrder(List<Entry> entries) {
    if (!entries.isEmpty()) {
      open().writeInOrder(entries);
    }
  }

  @Override
  public void delete(byte[] key) {
    if (inner != null) {
      inner.delete(key);
    } else {
      absentUnlessClosed(null); // nothing stored yet: nothing to delete
    }
  }

  @Override
  public void deleteRange(byte[] from, byte[] to) {
    if (inner != null) {
      inner.deleteRange(from, to);
    } else {
      absentUnlessClosed(null);
    }
  }

  @Override
  public void deleteAll(List<byte[]> keys) {
    if (inner != null) {
      inner.deleteAll(keys);
    } else {
      absentUnlessClosed(null);
    }
  }

  @Override
  public KeyValueIterator range(byte[] from, byte[] to) {
    return inner == null ? absentUnlessClosed(EmptyIterator.INSTANCE) : inner.range(from, to);
  }

  @Override
  public KeyValueIterator prefix(byte[] prefix) {
    return inner == null ? absentUnlessClosed(EmptyIterator.INSTANCE) : inner.prefix(prefix);
  }

  @Override
  public KeyValueIterator all() {
    return inner == null ? absentUnlessClosed(EmptyIterator.INSTANCE) : inner.all();
  }

  @Override
  public void flush() {
    if (inner != null) {
      inner.flush();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (inner != null) {
      inner.close();
    }
  }

  private <T> T absentUnlessClosed(T absent) {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
    return absent;
  }
}
