package org.beamsamza.state.kv.internals;

import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.drain;
import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.s;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.File;
import java.nio.ByteBuffer;
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

  private static byte[] key(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }
}
