package org.beamsamza.state.kv.internals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.OrderedBatchWrites;

/**
 * A {@link KeyValueStore} on a sorted map: the reference implementation that decorators are tested
 * over, and a store for tests and small jobs. It is meant for one task thread (the map is a {@link
 * ConcurrentSkipListMap} only so that iterators stay valid while the same thread writes, as state
 * code does when clearing a prefix it is iterating). Keys and values are copied in, so callers may
 * reuse their arrays. {@link #flush()} has nothing to do.
 */
public final class InMemoryKeyValueStore implements KeyValueStore, OrderedBatchWrites {

  private final ConcurrentSkipListMap<byte[], byte[]> map =
      new ConcurrentSkipListMap<>(Bytes.ORDER);
  private boolean closed;

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    return map.get(key);
  }

  @Override
  public List<byte[]> getAll(List<byte[]> keys) {
    checkOpen();
    List<byte[]> out = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      out.add(map.get(k));
    }
    return out;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    checkOpen();
    if (value == null) {
      throw new NullPointerException("value");
    }
    map.put(key.clone(), value.clone());
  }

  @Override
  public void writeInOrder(List<Entry> entries) {
    checkOpen();
    for (Entry e : entries) {
      if (e.value() == null) {
        map.remove(e.key());
      } else {
        map.put(e.key().clone(), e.value().clone());
      }
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
    map.remove(key);
  }

  @Override
  public void deleteRange(byte[] from, byte[] to) {
    checkOpen();
    if (Arrays.compareUnsigned(from, to) < 0) {
      map.subMap(from, true, to, false).clear();
    }
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
    NavigableMap<byte[], byte[]> view;
    if (from != null && to != null) {
      if (Arrays.compareUnsigned(from, to) >= 0) {
        return new MapIterator(Collections.emptyIterator());
      }
      view = map.subMap(from, true, to, false);
    } else if (from != null) {
      view = map.tailMap(from, true);
    } else if (to != null) {
      view = map.headMap(to, false);
    } else {
      view = map;
    }
    return new MapIterator(view.entrySet().iterator());
  }

  @Override
  public KeyValueIterator prefix(byte[] prefix) {
    return range(prefix, Bytes.prefixUpperBound(prefix));
  }

  @Override
  public KeyValueIterator all() {
    return range(null, null);
  }

  @Override
  public void flush() {
    checkOpen();
  }

  @Override
  public void close() {
    closed = true;
    map.clear();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
  }

  private static final class MapIterator implements KeyValueIterator {
    private final Iterator<Map.Entry<byte[], byte[]>> it;

    MapIterator(Iterator<Map.Entry<byte[], byte[]>> it) {
      this.it = it;
    }

    @Override
    public boolean hasNext() {
      return it.hasNext();
    }

    @Override
    public Entry next() {
      Map.Entry<byte[], byte[]> e = it.next();
      return new Entry(e.getKey(), e.getValue());
    }

    @Override
    public void close() {}
  }
}
