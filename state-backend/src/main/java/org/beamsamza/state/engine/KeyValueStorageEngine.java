package org.beamsamza.state.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.beamsamza.runtime.storage.StorageEngine;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.state.kv.ChangelogRestorer;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.internals.LazyOpenStore;
import org.beamsamza.state.kv.internals.MeteredKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;

/**
 * A task's key-value store as the container manages it: the task gets the whole decorator stack,
 * restore writes to the bottom store only (not through logging, or the changelog would be written
 * back to itself, nor through the cache, which would only churn).
 */
final class KeyValueStorageEngine implements StorageEngine {
  private final KeyValueStore store;
  private final KeyValueStore bottom;
  private final boolean persistent;
  private final int restoreBatchSize;

  KeyValueStorageEngine(
      KeyValueStore store, KeyValueStore bottom, boolean persistent, int restoreBatchSize) {
    this.store = Objects.requireNonNull(store, "store");
    this.bottom = Objects.requireNonNull(bottom, "bottom");
    this.persistent = persistent;
    this.restoreBatchSize = restoreBatchSize;
  }

  @Override
  public KeyValueStore getStore() {
    return store;
  }

  @Override
  public void restore(Iterator<IncomingMessageEnvelope> changelogRecords) {
    new ChangelogRestorer(restoreBatchSize)
        .restore(
            new Iterator<Entry>() {
              @Override
              public boolean hasNext() {
                return changelogRecords.hasNext();
              }

              @Override
              public Entry next() {
                IncomingMessageEnvelope e = changelogRecords.next();
                if (!(e.getKey() instanceof byte[] key)) {
                  throw new IllegalArgumentException(
                      "Changelog record at "
                          + e.getSystemStreamPartition()
                          + "@"
                          + e.getOffset()
                          + " has a non-byte[] key: "
                          + e.getKey());
                }
                Object m = e.getMessage();
                if (m != null && !(m instanceof byte[])) {
                  throw new IllegalArgumentException(
                      "Changelog record at "
                          + e.getSystemStreamPartition()
                          + "@"
                          + e.getOffset()
                          + " has a non-byte[] message: "
                          + m.getClass().getName());
                }
                return new Entry(key, (byte[]) m);
              }
            },
            bottom);
  }

  /**
   * The metered layer's counts and times, and RocksDB's size estimate ({@code approximate-bytes}; 0
   * for a database not opened yet, absent for the in-memory store, which keeps no running size).
   */
  @Override
  public Map<String, Long> metrics() {
    Map<String, Long> m = new LinkedHashMap<>();
    if (store instanceof MeteredKeyValueStore metered) {
      m.put("gets", metered.gets());
      m.put("puts", metered.puts());
      m.put("deletes", metered.deletes());
      m.put("iterators", metered.iterators());
      m.put("bytes-read", metered.bytesRead());
      m.put("bytes-written", metered.bytesWritten());
      m.put("get-ns", metered.getNanos());
      m.put("put-ns", metered.putNanos());
      m.put("flush-ns", metered.flushNanos());
    }
    KeyValueStore sized = bottom;
    if (sized instanceof LazyOpenStore<?> lazy) {
      sized = lazy.openedOrNull();
      if (sized == null) {
        m.put("approximate-bytes", 0L);
      }
    }
    if (sized instanceof RocksDbKeyValueStore rocks) {
      m.put("approximate-bytes", rocks.approximateSizeBytes());
    }
    return m;
  }

  @Override
  public boolean persistsAcrossRestarts() {
    return persistent;
  }

  @Override
  public void flush() {
    store.flush();
  }

  @Override
  public void stop() {
    store.close();
  }
}
