package org.beamsamza.state.kv.internals;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.beamsamza.state.kv.ChangelogRestorer;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Restore's in-order batch path ({@code OrderedBatchWrites}) on both real stores. */
public class OrderedRestoreTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static byte[] s(String v) {
    return v.getBytes(StandardCharsets.UTF_8);
  }

  /** Puts, overwrites and tombstones of the same keys, within and across batches of 3. */
  private static List<Entry> log() {
    return List.of(
        new Entry(s("a"), s("1")),
        new Entry(s("b"), s("2")),
        new Entry(s("a"), null), // batch 1
        new Entry(s("b"), s("3")),
        new Entry(s("c"), s("4")),
        new Entry(s("c"), null), // batch 2
        new Entry(s("old"), null),
        new Entry(s("a"), s("5")),
        new Entry(s("d"), s("6")), // batch 3
        new Entry(s("d"), null),
        new Entry(s("d"), s("7"))); // batch 4 (partial)
  }

  private static void check(KeyValueStore store) {
    store.put(s("old"), s("x"));
    assertEquals(11, new ChangelogRestorer(3).restore(log().iterator(), store));
    List<String> all = new ArrayList<>();
    try (KeyValueIterator it = store.all()) {
      it.forEachRemaining(
          e ->
              all.add(
                  new String(e.key(), StandardCharsets.UTF_8)
                      + "="
                      + new String(e.value(), StandardCharsets.UTF_8)));
    }
    assertEquals(List.of("a=5", "b=3", "d=7"), all);
    assertNull(store.get(s("c")));
    assertArrayEquals(s("7"), store.get(s("d")));
  }

  @Test
  public void inMemoryStoreAppliesRecordsInOrder() {
    check(new InMemoryKeyValueStore());
  }

  @Test
  public void rocksDbStoreAppliesRecordsInOrderWithAReusedBatch() throws Exception {
    RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(tmp.newFolder("db"), RocksDbStoreConfig.defaults());
    try {
      check(store);
      // the reused batch was cleared: a later ordered write applies only its own records
      store.writeInOrder(List.of(new Entry(s("e"), s("8"))));
      assertArrayEquals(s("5"), store.get(s("a")));
      assertArrayEquals(s("8"), store.get(s("e")));
    } finally {
      store.close();
    }
  }
}
