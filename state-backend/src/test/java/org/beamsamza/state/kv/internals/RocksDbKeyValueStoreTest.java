package org.beamsamza.state.kv.internals;

import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.drain;
import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.s;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.rocksdb.CompressionType;

/** RocksDB-specific behaviour beyond the contract: persistence across reopen, native cleanup. */
public class RocksDbKeyValueStoreTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void dataSurvivesCloseAndReopenWithWalDisabled() throws Exception {
    File dir = tmp.newFolder("task-0");
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      store.put(s("a"), s("1"));
      store.putAll(List.of(new Entry(s("b"), s("2")), new Entry(s("c"), s("3"))));
      store.delete(s("c"));
    }
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      assertThat(store.get(s("a")), equalTo(s("1")));
      assertThat(store.get(s("b")), equalTo(s("2")));
      assertThat(store.get(s("c")), nullValue());
      assertThat(drain(store.all()).size(), is(2));
    }
  }

  @Test
  public void dataSurvivesReopenWithWalAndOtherOptions() throws Exception {
    File dir = tmp.newFolder("task-1");
    RocksDbStoreConfig config =
        RocksDbStoreConfig.defaults()
            .withWalDisabled(false)
            .withCompressionType(CompressionType.ZSTD_COMPRESSION)
            .withBlockCacheSizeBytes(1 << 20)
            .withWriteBufferSizeBytes(1 << 20);
    try (RocksDbKeyValueStore store = new RocksDbKeyValueStore(dir, config)) {
      for (int i = 0; i < 10_000; i++) {
        store.put(key(i), s("value-" + i));
      }
      store.flush();
    }
    try (RocksDbKeyValueStore store = new RocksDbKeyValueStore(dir, config)) {
      assertThat(store.get(key(9_999)), equalTo(s("value-9999")));
      assertThat(drain(store.all()).size(), is(10_000));
    }
  }

  @Test
  public void closeFreesIteratorsLeftOpen() throws Exception {
    RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(tmp.newFolder("task-2"), RocksDbStoreConfig.defaults());
    store.put(s("a"), s("1"));
    KeyValueIterator leaked = store.prefix(s("a"));
    KeyValueIterator leaked2 = store.all();
    leaked2.next();
    store.close(); // must not crash the JVM
    assertThat(leaked.hasNext(), is(false));
    leaked.close();
  }

  @Test
  public void writesDuringIterationDoNotDisturbIterator() throws Exception {
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(tmp.newFolder("task-3"), RocksDbStoreConfig.defaults())) {
      for (int i = 0; i < 100; i++) {
        store.put(key(i), s("v"));
      }
      int seen = 0;
      try (KeyValueIterator it = store.all()) {
        while (it.hasNext()) {
          store.delete(it.next().key());
          seen++;
        }
      }
      assertThat(seen, is(100));
      assertThat(store.all().hasNext(), is(false));
    }
  }

  /** Not an assertion of speed: prints rough numbers for the report. */
  @Test
  public void roughThroughput() throws Exception {
    int n = 200_000;
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(tmp.newFolder("task-4"), RocksDbStoreConfig.defaults())) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        store.put(key(i), s("value"));
      }
      long t1 = System.nanoTime();
      List<Entry> batch = new ArrayList<>(1000);
      for (int i = n; i < 2 * n; i++) {
        batch.add(new Entry(key(i), s("value")));
        if (batch.size() == 1000) {
          store.putAll(batch);
          batch.clear();
        }
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        store.get(key((i * 7919) % (2 * n)));
      }
      long t3 = System.nanoTime();
      int count = drain(store.all()).size();
      long t4 = System.nanoTime();
      assertThat(count, is(2 * n));
      System.out.printf(
          "RocksDbKeyValueStore (WAL off): put %.0f/s, putAll(1000) %.0f/s, get %.0f/s, scan %.0f/s%n",
          rate(n, t1 - t0), rate(n, t2 - t1), rate(n, t3 - t2), rate(2 * n, t4 - t3));
    }
  }

  private static double rate(int n, long nanos) {
    return n * 1e9 / nanos;
  }

  private static byte[] key(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }
}
