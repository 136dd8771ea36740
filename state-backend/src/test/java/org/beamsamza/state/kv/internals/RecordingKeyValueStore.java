package org.beamsamza.state.kv.internals;

import java.util.ArrayList;
import java.util.List;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;

/** An in-memory store that counts the calls that reach it, for decorator tests. */
final class RecordingKeyValueStore implements KeyValueStore {
  final InMemoryKeyValueStore delegate = new InMemoryKeyValueStore();
  final List<String> events;
  int gets;
  int putCalls;
  int putAllCalls;
  int entriesWritten;
  int deleteCalls;
  int deleteAllCalls;
  int keysDeleted;
  int flushes;

  RecordingKeyValueStore(List<String> events) {
    this.events = events;
  }

  RecordingKeyValueStore() {
    this(new ArrayList<>());
  }

  @Override
  public byte[] get(byte[] key) {
    gets++;
    return delegate.get(key);
  }

  @Override
  public List<byte[]> getAll(List<byte[]> keys) {
    gets += keys.size();
    return delegate.getAll(keys);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    putCalls++;
    entriesWritten++;
    events.add("inner.put");
    delegate.put(key, value);
  }

  @Override
  public void putAll(List<Entry> entries) {
    putAllCalls++;
    entriesWritten += entries.size();
    events.add("inner.putAll");
    delegate.putAll(entries);
  }

  @Override
  public void delete(byte[] key) {
    deleteCalls++;
    keysDeleted++;
    events.add("inner.delete");
    delegate.delete(key);
  }

  @Override
  public void deleteAll(List<byte[]> keys) {
    deleteAllCalls++;
    keysDeleted += keys.size();
    events.add("inner.deleteAll");
    delegate.deleteAll(keys);
  }

  @Override
  public void deleteRange(byte[] from, byte[] to) {
    events.add("inner.deleteRange");
    delegate.deleteRange(from, to);
  }

  @Override
  public KeyValueIterator range(byte[] from, byte[] to) {
    return delegate.range(from, to);
  }

  @Override
  public KeyValueIterator prefix(byte[] prefix) {
    return delegate.prefix(prefix);
  }

  @Override
  public KeyValueIterator all() {
    return delegate.all();
  }

  @Override
  public void flush() {
    flushes++;
    events.add("inner.flush");
    delegate.flush();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
