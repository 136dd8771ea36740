package org.beamsamza.state.kv.internals;

import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.drain;
import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.s;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import org.beamsamza.state.kv.Entry;
import org.junit.Test;

public class CachingKeyValueStoreTest {
  private final RecordingKeyValueStore inner = new RecordingKeyValueStore();

  @Test
  public void repeatedPutsToOneKeyReachInnerOnce() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 100);
    for (int i = 0; i < 1000; i++) {
      store.put(s("hot"), s("v" + i));
    }
    assertThat(inner.entriesWritten, is(0));
    assertThat(store.get(s("hot")), equalTo(s("v999")));
    store.flush();
    assertThat(inner.entriesWritten, is(1));
    assertThat(inner.putAllCalls, is(1));
    assertThat(inner.putCalls, is(0));
    assertThat(inner.flushes, is(1));
    assertThat(inner.get(s("hot")), equalTo(s("v999")));
    store.flush(); // nothing dirty: no further writes
    assertThat(inner.entriesWritten, is(1));
  }

  /**
   * A value larger than the whole cache is written through after the dirty entries (so the inner
   * store sees writes in order) and not kept: caching it would evict everything else and hold it.
   */
  @Test
  public void aValueLargerThanTheCacheIsWrittenThroughInOrderAndNotKept() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 100, 1000);
    store.put(s("big"), s("old"));
    store.put(s("small"), s("1"));
    byte[] big = new byte[2000];
    store.put(s("big"), big);
    assertThat(inner.events, contains("inner.putAll", "inner.put"));
    assertThat(inner.get(s("big")), equalTo(big));
    assertThat(store.sizeInBytes() < 1000, is(true));
    assertThat(store.get(s("big")), equalTo(big));
    assertThat("a read does not cache it either", store.sizeInBytes() < 1000, is(true));
    assertThat(store.get(s("small")), equalTo(s("1")));
  }

  @Test
  public void evictingADirtyEntryWritesDirtyEntriesInOneBatch() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 2);
    store.put(s("a"), s("1"));
    store.put(s("b"), s("2"));
    assertThat(inner.entriesWritten, is(0));
    store.put(s("c"), s("3")); // evicts a (LRU), which is dirty
    assertThat(inner.putAllCalls, is(1));
    assertThat(inner.get(s("a")), equalTo(s("1")));
    assertThat(inner.get(s("b")), equalTo(s("2")));
    assertThat(store.size(), is(2));
    assertThat(store.dirtyCount(), is(0));
    // a was evicted but is still readable through the cache.
    assertThat(store.get(s("a")), equalTo(s("1")));
  }

  @Test
  public void evictionIsLeastRecentlyUsed() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 2);
    store.put(s("a"), s("1"));
    store.put(s("b"), s("2"));
    store.flush();
    store.get(s("a")); // a is now most recently used
    store.put(s("c"), s("3")); // evicts b, which is clean: no write
    assertThat(inner.putAllCalls, is(1));
    int innerGets = inner.gets;
    store.get(s("a"));
    assertThat(inner.gets, is(innerGets)); // hit
    store.get(s("b"));
    assertThat(inner.gets, is(innerGets + 1)); // miss
  }

  @Test
  public void deletesAreCachedAndWrittenAsOneDeleteAll() {
    inner.put(s("a"), s("1"));
    inner.put(s("b"), s("2"));
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 10);
    store.delete(s("a"));
    store.delete(s("b"));
    assertThat(store.get(s("a")), nullValue());
    assertThat(inner.get(s("a")), equalTo(s("1")));
    store.flush();
    assertThat(inner.deleteAllCalls, is(1));
    assertThat(inner.keysDeleted, is(2));
    assertThat(inner.get(s("a")), nullValue());
  }

  @Test
  public void readsHitTheCache() {
    inner.put(s("a"), s("1"));
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 10);
    store.get(s("a"));
    store.get(s("a"));
    store.get(s("a"));
    assertThat(inner.gets, is(1));
    assertThat(store.hits(), is(2L));
    assertThat(store.misses(), is(1L));
  }

  @Test
  public void iterationSeesCachedWritesAndDeletes() {
    inner.put(s("a1"), s("old"));
    inner.put(s("a2"), s("gone"));
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 10);
    store.put(s("a1"), s("new"));
    store.delete(s("a2"));
    store.put(s("a3"), s("3"));
    assertThat(
        drain(store.prefix(s("a"))),
        contains(new Entry(s("a1"), s("new")), new Entry(s("a3"), s("3"))));
    store.put(s("b"), s("b"));
    assertThat(drain(store.all()).size(), is(3));
    store.put(s("a0"), s("0"));
    assertThat(
        drain(store.range(s("a0"), s("a2"))),
        contains(new Entry(s("a0"), s("0")), new Entry(s("a1"), s("new"))));
  }

  @Test
  public void closeWritesDirtyEntries() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 10);
    store.put(s("a"), s("1"));
    store.delete(s("b"));
    store.close();
    assertThat(inner.entriesWritten, is(1));
    assertThat(inner.keysDeleted, is(1));
    assertThat(inner.events, contains("inner.putAll", "inner.deleteAll"));
  }

  @Test
  public void largeValuesAreBoundedByBytesNotJustEntries() {
    long maxBytes = 10 * (1024 + CachingKeyValueStore.ENTRY_OVERHEAD_BYTES + 8);
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 1_000_000, maxBytes);
    for (int i = 0; i < 1000; i++) {
      store.put(s("key" + i), new byte[1024]);
      assertThat(store.sizeInBytes() <= maxBytes, is(true));
    }
    assertThat(store.size() <= 10, is(true));
    // Everything evicted went down to the inner store; nothing was lost.
    store.flush();
    for (int i = 0; i < 1000; i++) {
      assertThat(inner.get(s("key" + i)).length, is(1024));
    }
  }
}
