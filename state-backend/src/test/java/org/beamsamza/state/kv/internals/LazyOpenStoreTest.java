package org.beamsamza.state.kv.internals;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class LazyOpenStoreTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void readsDeletesFlushAndCloseOfANeverWrittenStoreOpenNothing() throws Exception {
    File dir = new File(tmp.getRoot(), "task");
    int before = RocksDbSharedResources.openStores();
    LazyOpenStore<RocksDbKeyValueStore> store =
        new LazyOpenStore<>(() -> new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults()));

    assertNull(store.get(b("k")));
    assertEquals(2, store.getAll(List.of(b("a"), b("b"))).size());
    assertNull(store.getAll(List.of(b("a"))).get(0));
    try (KeyValueIterator it = store.prefix(b("k"))) {
      assertFalse(it.hasNext());
    }
    try (KeyValueIterator it = store.range(b("a"), b("z"))) {
      assertFalse(it.hasNext());
    }
    store.delete(b("k"));
    store.putAll(List.of());
    store.flush();

    assertFalse(store.isOpen());
    assertFalse("no database directory", dir.exists());
    assertEquals(before, RocksDbSharedResources.openStores());
    store.close();
    assertThrows(IllegalStateException.class, () -> store.get(b("k")));
  }

  @Test
  public void theFirstWriteOpensTheDatabaseAndEverythingIsReadBack() throws Exception {
    File dir = new File(tmp.getRoot(), "task");
    int before = RocksDbSharedResources.openStores();
    LazyOpenStore<RocksDbKeyValueStore> store =
        new LazyOpenStore<>(() -> new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults()));
    store.writeInOrder(List.of(new Entry(b("a"), b("1")), new Entry(b("b"), b("2"))));

    assertTrue(store.isOpen());
    assertTrue(new File(dir, "CURRENT").exists());
    assertEquals(before + 1, RocksDbSharedResources.openStores());
    assertArrayEquals(b("2"), store.get(b("b")));
    store.close();
    assertEquals(before, RocksDbSharedResources.openStores());

    try (RocksDbKeyValueStore reopened =
        new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      assertArrayEquals(b("1"), reopened.get(b("a")));
    }
  }
}
