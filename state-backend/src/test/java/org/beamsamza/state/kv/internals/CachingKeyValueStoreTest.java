package org.beamsamza.state.kv.internals;

import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.drain;
import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.s;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
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

  @Test
  public void aBulkPutAllBypassesTheCacheAfterTheDirtyEntriesAndDropsStaleCachedKeys() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 100);
    store.put(s("k0"), s("old")); // cached, dirty
    store.put(s("hot"), s("1"));
    List<Entry> bulk = new ArrayList<>();
    for (int i = 0; i < CachingKeyValueStore.WRITE_THROUGH_BATCH; i++) {
      bulk.add(new Entry(s("k" + i), s("v" + i)));
    }
    inner.events.clear();

    store.putAll(bulk);

    // The dirty entries first (in order), then the batch in one call; none of it cached.
    assertThat(inner.events, contains("inner.putAll", "inner.putAll"));
    assertThat(store.size(), is(1)); // "hot" only
    assertThat(store.get(s("k0")), equalTo(s("v0"))); // not the stale cached "old"
    assertThat(inner.get(s("k1023")), equalTo(s("v1023")));
    assertThat(store.get(s("hot")), equalTo(s("1")));
  }

  @Test
  public void aRangeDeleteDropsCachedAndDirtyKeysInTheRangeAndReachesInnerAsOneCall() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 100);
    store.put(s("a"), s("1"));
    store.put(s("b1"), s("2"));
    store.flush(); // a, b1 clean in the cache and below
    store.put(s("b2"), s("3")); // dirty, only in the cache
    store.put(s("c"), s("4"));
    inner.events.clear();

    store.deleteRange(s("b"), s("c"));

    assertThat(inner.events, contains("inner.putAll", "inner.deleteRange"));
    assertThat(store.size(), is(2)); // b1 and b2 left the cache
    assertThat(store.get(s("b1")), is((byte[]) null));
    assertThat(store.get(s("b2")), is((byte[]) null));
    assertThat(store.get(s("a")), equalTo(s("1")));
    assertThat(store.get(s("c")), equalTo(s("4")));
    store.flush();
    assertThat(inner.get(s("b2")), is((byte[]) null));
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

  /** An iterator is a snapshot: writes after it was opened are not merged into it. */
  @Test
  public void aScanDoesNotSeeWritesMadeAfterItOpened() {
    CachingKeyValueStore store = new CachingKeyValueStore(inner, 10);
    store.put(s("a1"), s("1"));
    store.put(s("a3"), s("3"));
    org.beamsamza.state.kv.KeyValueIterator it = store.prefix(s("a"));
    store.put(s("a1"), s("changed"));
    store.delete(s("a3"));
    store.put(s("a2"), s("2"));
    assertThat(drain(it), contains(new Entry(s("a1"), s("1")), new Entry(s("a3"), s("3"))));
  }

  /**
   * Random puts, deletes, gets, scans (range, prefix, all, empty and unbounded ranges), flushes and
   * bursts of writes past the overlay limit, over a small cache (so evictions write down dirty
   * entries in between), against a sorted map as the model.
   */
  @Test
  public void matchesASortedMapUnderRandomOperations() {
    for (long seed = 0; seed < 30; seed++) {
      java.util.Random r = new java.util.Random(seed);
      RecordingKeyValueStore in = new RecordingKeyValueStore();
      CachingKeyValueStore store =
          new CachingKeyValueStore(in, 1 + r.nextInt(300), 1 + r.nextInt(40_000));
      java.util.TreeMap<byte[], byte[]> model =
          new java.util.TreeMap<>(org.beamsamza.state.kv.Bytes.ORDER);
      for (int op = 0; op < 3000; op++) {
        int burst = r.nextInt(200) == 0 ? 150 : 1;
        for (int b = 0; b < burst; b++) {
          byte[] k = key(r);
          int c = r.nextInt(10);
          if (c < 4) {
            byte[] v = s("v" + op + "-" + b);
            store.put(k, v);
            model.put(k, v);
          } else if (c < 6) {
            store.delete(k);
            model.remove(k);
          } else {
            assertThat("seed " + seed + " op " + op, store.get(k), equalTo(model.get(k)));
          }
        }
        int scan = r.nextInt(12);
        if (scan == 0) {
          byte[] a = key(r);
          byte[] z = r.nextInt(5) == 0 ? null : key(r);
          byte[] from = r.nextInt(5) == 0 ? null : a;
          java.util.SortedMap<byte[], byte[]> expected =
              from == null
                  ? (z == null ? model : model.headMap(z))
                  : (z == null
                      ? model.tailMap(from)
                      : (org.beamsamza.state.kv.Bytes.ORDER.compare(from, z) >= 0
                          ? java.util.Collections.emptySortedMap()
                          : model.subMap(from, z)));
          assertThat(
              "seed " + seed + " op " + op,
              drain(store.range(from, z)),
              equalTo(entries(expected)));
        } else if (scan == 1) {
          byte[] p = java.util.Arrays.copyOf(key(r), 1 + r.nextInt(2));
          byte[] end = org.beamsamza.state.kv.Bytes.prefixUpperBound(p);
          assertThat(
              drain(store.prefix(p)),
              equalTo(entries(end == null ? model.tailMap(p) : model.subMap(p, end))));
        } else if (scan == 2) {
          assertThat(drain(store.all()), equalTo(entries(model)));
        } else if (scan == 3 && r.nextInt(10) == 0) {
          store.flush();
        }
      }
      store.flush();
      assertThat(drain(in.all()), equalTo(entries(model)));
    }
  }

  /** Keys over a small alphabet, lengths 1-3, including bytes >= 0x80 (unsigned order). */
  private static byte[] key(java.util.Random r) {
    byte[] k = new byte[1 + r.nextInt(3)];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (new int[] {0x00, 0x41, 0x42, 0x7F, 0x80, 0xFF})[r.nextInt(6)];
    }
    return k;
  }

  private static java.util.List<Entry> entries(java.util.SortedMap<byte[], byte[]> m) {
    java.util.List<Entry> out = new java.util.ArrayList<>();
    m.forEach((k, v) -> out.add(new Entry(k, v)));
    return out;
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
