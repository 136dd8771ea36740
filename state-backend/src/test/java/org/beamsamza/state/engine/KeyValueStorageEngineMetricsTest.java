package org.beamsamza.state.engine;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.storage.StorageEngine;
import org.beamsamza.runtime.storage.StoreContext;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.state.kv.KeyValueStore;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What a store reports for metrics: the metered layer's counts and RocksDB's size estimate. */
public class KeyValueStorageEngineMetricsTest {
  @Rule public final TemporaryFolder dir = new TemporaryFolder();

  private StorageEngine engine(String backend) throws Exception {
    return new KeyValueStorageEngineFactory()
        .getStorageEngine(
            new StoreContext(
                "s",
                new TaskName("t"),
                dir.newFolder(),
                new Config(Map.of(KeyValueStorageEngineFactory.BACKEND, backend)),
                null,
                null));
  }

  @Test
  public void rocksDbReportsItsOperationsAndAGrowingSize() throws Exception {
    StorageEngine engine = engine("rocksdb");
    try {
      engine.flush();
      assertEquals(
          "not opened yet: no bytes", Long.valueOf(0), engine.metrics().get("approximate-bytes"));
      KeyValueStore store = (KeyValueStore) engine.getStore();
      java.util.Random random = new java.util.Random(7); // incompressible values
      for (int i = 0; i < 1000; i++) {
        byte[] value = new byte[100];
        random.nextBytes(value);
        store.put(("key-" + i).getBytes(StandardCharsets.UTF_8), value);
      }
      store.get("key-1".getBytes(StandardCharsets.UTF_8));
      engine.flush();
      Map<String, Long> m = engine.metrics();
      assertEquals(Long.valueOf(1000), m.get("puts"));
      assertEquals(Long.valueOf(1), m.get("gets"));
      assertThat(m.get("bytes-written"), greaterThan(100_000L));
      assertThat("1000 values of 100 bytes", m.get("approximate-bytes"), greaterThan(50_000L));
    } finally {
      engine.stop();
    }
  }

  @Test
  public void theInMemoryStoreKeepsNoRunningSize() throws Exception {
    StorageEngine engine = engine("memory");
    try {
      ((KeyValueStore) engine.getStore()).put(new byte[] {1}, new byte[] {2});
      engine.flush();
      assertEquals(Long.valueOf(1), engine.metrics().get("puts"));
      assertFalse(engine.metrics().containsKey("approximate-bytes"));
    } finally {
      engine.stop();
    }
  }
}
