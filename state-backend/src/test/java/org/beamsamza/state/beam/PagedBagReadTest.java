package org.beamsamza.state.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.emptyIterable;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.state.BagState;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.ForwardingStore;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.MeteredKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * Paged bag reads ({@link PagedBagRead}) over every store stack, with more elements than a page:
 * order, re-iteration, writes still dirty in a write-back cache, snapshot semantics (adds after the
 * read are not seen), a clear after the read failing loudly, and page bounds.
 */
@RunWith(Parameterized.class)
public class PagedBagReadTest {
  static final int PAGE = 7;
  static final ChangelogWriter NO_CHANGELOG =
      new ChangelogWriter() {
        @Override
        public void write(byte[] key, byte[] valueOrNullForTombstone) {}

        @Override
        public void flush() {}
      };

  /** A store stack by name; the cache, when there is one, is returned for dirty-entry checks. */
  interface Stack {
    KeyValueStore open(File dir, List<CachingKeyValueStore> cacheOut) throws IOException;
  }

  @Parameters(name = "{0}")
  public static Collection<Object[]> stacks() {
    return List.of(
        new Object[] {"memory", (Stack) (dir, c) -> new InMemoryKeyValueStore()},
        new Object[] {
          "rocksdb",
          (Stack) (dir, c) -> new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())
        },
        new Object[] {
          "logged-rocksdb",
          (Stack)
              (dir, c) ->
                  new LoggedKeyValueStore(
                      new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults()), NO_CHANGELOG)
        },
        new Object[] {
          // a cache large enough that every write stays dirty until a scan writes it down
          "caching-memory", (Stack) (dir, c) -> cached(new InMemoryKeyValueStore(), 100_000, c)
        },
        new Object[] {
          // production layering, with a cache small enough to evict mid-test
          "metered-caching-logged-rocksdb",
          (Stack)
              (dir, c) ->
                  new MeteredKeyValueStore(
                      cached(
                          new LoggedKeyValueStore(
                              new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults()),
                              NO_CHANGELOG),
                          16,
                          c))
        });
  }

  private static KeyValueStore cached(
      KeyValueStore inner, int entries, List<CachingKeyValueStore> out) {
    CachingKeyValueStore cache = new CachingKeyValueStore(inner, entries);
    out.add(cache);
    return cache;
  }

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final Stack stack;
  private final List<CachingKeyValueStore> caches = new ArrayList<>();
  private ScanCountingStore store;
  private KeyValueStateInternals internals;

  public PagedBagReadTest(String name, Stack stack) {
    this.stack = stack;
  }

  @Before
  public void open() throws IOException {
    store = new ScanCountingStore(stack.open(tmp.newFolder("store"), caches));
    internals =
        new KeyValueStateInternals(
            store,
            "step",
            "key".getBytes(StandardCharsets.UTF_8),
            "key",
            ElementSequence.open(store, "step"),
            new BagPaging(PAGE, 1 << 20));
  }

  @After
  public void close() {
    store.close();
  }

  private BagState<String> bag(String id) {
    return internals.state(StateNamespaces.global(), StateTags.bag(id, StringUtf8Coder.of()));
  }

  private static List<String> values(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("v" + i);
    }
    return out;
  }

  private static List<String> list(Iterable<String> it) {
    List<String> out = new ArrayList<>();
    it.forEach(out::add);
    return out;
  }

  @Test
  public void readsMoreThanAPageInOrderAndAgain() {
    BagState<String> bag = bag("b");
    values(0, 10 * PAGE + 3).forEach(bag::add);
    bag("other").add("not mine"); // a neighbouring cell is not read

    Iterable<String> read = bag.read();
    assertThat(read, instanceOf(PagedBagRead.class));
    assertThat(list(read), equalTo(values(0, 10 * PAGE + 3)));
    assertThat("re-iterable", list(read), equalTo(values(0, 10 * PAGE + 3)));

    // Two iterators at once are independent scans.
    Iterator<String> a = read.iterator();
    Iterator<String> b = read.iterator();
    for (int i = 0; i < 2 * PAGE; i++) {
      assertThat(a.next(), equalTo("v" + i));
    }
    assertThat(b.next(), equalTo("v0"));
  }

  @Test
  public void eachScanReadsAtMostAPage() {
    BagState<String> bag = bag("b");
    values(0, 10 * PAGE).forEach(bag::add);
    Iterable<String> read = bag.read();
    store.resetCounts();
    list(read);
    assertThat(store.maxEntriesPerScan, lessThanOrEqualTo(PAGE));
    assertThat(store.scans, greaterThan(9));
  }

  @Test
  public void pagesAreBoundedByBytesToo() {
    KeyValueStateInternals bytesBound =
        new KeyValueStateInternals(
            store,
            "step2",
            "key".getBytes(StandardCharsets.UTF_8),
            "key",
            ElementSequence.open(store, "step2"),
            new BagPaging(1000, 2500));
    BagState<String> bag =
        bytesBound.state(StateNamespaces.global(), StateTags.bag("big", StringUtf8Coder.of()));
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      big.add(String.valueOf(i).repeat(1000 / String.valueOf(i).length()));
    }
    big.forEach(bag::add);
    Iterable<String> read = bag.read();
    store.resetCounts();
    assertThat(list(read), equalTo(big));
    // 2500 bytes a page: three ~1000-byte values read, then the page is full.
    assertThat(store.maxEntriesPerScan, lessThanOrEqualTo(3));
  }

  @Test
  public void seesWritesStillDirtyInTheCache() {
    BagState<String> bag = bag("b");
    values(0, 3 * PAGE).forEach(bag::add);
    for (CachingKeyValueStore cache : caches) {
      assertThat("writes are still only in the cache", cache.dirtyCount(), greaterThan(0));
    }
    Iterable<String> read = bag.read();
    assertThat(list(read), equalTo(values(0, 3 * PAGE)));
  }

  /**
   * Beam's {@code ReadableState.read()}: later changes are not reflected in what an earlier read
   * returned. Adds after the read, also during iteration, stay out of it; a new read sees them.
   */
  @Test
  public void addsAfterTheReadAreNotSeen() {
    BagState<String> bag = bag("b");
    values(0, 3 * PAGE).forEach(bag::add);
    Iterable<String> read = bag.read();
    bag.add("after read");
    List<String> seen = new ArrayList<>();
    for (String v : read) {
      seen.add(v);
      bag.add("during iteration " + v); // would never end if the read saw its own adds
    }
    assertThat(seen, equalTo(values(0, 3 * PAGE)));
    assertThat(list(read), equalTo(values(0, 3 * PAGE)));
    assertThat(list(bag.read()).size(), equalTo(3 * PAGE + 1 + 3 * PAGE));
  }

  /**
   * A clear ends a paged read: iterating it afterwards fails loudly rather than returning nothing,
   * part of the bag, or elements added after the clear.
   */
  @Test
  public void clearAfterTheReadFailsLoudly() {
    BagState<String> bag = bag("b");
    values(0, 3 * PAGE).forEach(bag::add);
    Iterable<String> read = bag.read();
    bag.clear();
    bag.add("new");
    assertThrows(IllegalStateException.class, () -> read.iterator().hasNext());
    assertThat(list(bag.read()), contains("new"));
  }

  @Test
  public void clearDuringIterationFailsLoudly() {
    BagState<String> bag = bag("b");
    values(0, 3 * PAGE).forEach(bag::add);
    Iterator<String> it = bag.read().iterator();
    for (int i = 0; i < PAGE; i++) {
      it.next();
    }
    bag.clear();
    values(100, 100 + 3 * PAGE).forEach(bag::add);
    assertThrows(IllegalStateException.class, it::hasNext);
  }

  @Test
  public void copyKeepsTheValuesPastAClear() {
    BagState<String> bag = bag("b");
    values(0, 3 * PAGE).forEach(bag::add);
    List<String> copy = ((PagedBagRead<String>) bag.read()).copy();
    bag.clear();
    assertThat(copy, equalTo(values(0, 3 * PAGE)));
  }

  @Test
  public void aBagThatFitsOnePageIsAListThatSurvivesAClear() {
    BagState<String> bag = bag("b");
    values(0, PAGE).forEach(bag::add);
    Iterable<String> read = bag.read();
    assertThat(read, instanceOf(List.class));
    bag.clear();
    assertThat(list(read), equalTo(values(0, PAGE)));
    assertThat(bag.read(), emptyIterable());
  }

  @Test
  public void clearDeletesMoreThanADeletePage() {
    BagState<String> bag = bag("b");
    int n = 2 * KeyValueStateInternals.DELETE_PAGE_KEYS + 5;
    values(0, n).forEach(bag::add);
    BagState<String> neighbour = bag("c");
    neighbour.add("kept");
    assertFalse(bag.isEmpty().read());
    bag.clear();
    assertTrue(bag.isEmpty().read());
    assertThat(list(bag.read()), empty());
    assertThat(list(neighbour.read()), contains("kept"));
  }

  /** Forwards to a store, counting scans and the most entries any one scan handed out. */
  static final class ScanCountingStore extends ForwardingStore {
    int scans;
    int maxEntriesPerScan;

    ScanCountingStore(KeyValueStore inner) {
      super(inner);
    }

    void resetCounts() {
      scans = 0;
      maxEntriesPerScan = 0;
    }

    private KeyValueIterator counted(KeyValueIterator it) {
      scans++;
      return new KeyValueIterator() {
        int entries;

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Entry next() {
          entries++;
          maxEntriesPerScan = Math.max(maxEntriesPerScan, entries);
          return it.next();
        }

        @Override
        public void close() {
          it.close();
        }
      };
    }

    @Override
    public KeyValueIterator range(byte[] from, byte[] to) {
      return counted(inner.range(from, to));
    }

    @Override
    public KeyValueIterator prefix(byte[] prefix) {
      return counted(inner.prefix(prefix));
    }

    @Override
    public KeyValueIterator all() {
      return counted(inner.all());
    }
  }
}
