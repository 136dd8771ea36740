package org.beamsamza.state.kv;

import java.util.List;

/** A store that forwards every call, for tests that override a few methods. */
public class ForwardingStore implements KeyValueStore {
  protected final KeyValueStore inner;

  public ForwardingStore(KeyValueStore inner) {
    this.inner = inner;
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
  }

  @Override
  public void putAll(List<Entry> entries) {
    inner.putAll(entries);
  }

  @Override
  public void delete(byte[] key) {
    inner.delete(key);
  }

  @Override
  public void deleteAll(List<byte[]> keys) {
    inner.deleteAll(keys);
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
  }

  @Override
  public void close() {
    inner.close();
  }
}
