package org.beamsamza.state.beam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateInternalsTest;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.junit.After;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/** Beam's own StateInternals contract (runners-core tests jar) over RocksDB. */
public class KeyValueStateInternalsRocksDbStoreTest extends StateInternalsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private RocksDbKeyValueStore store;

  @Override
  protected StateInternals createStateInternals() {
    try {
      store = new RocksDbKeyValueStore(tmp.newFolder("task-0"), RocksDbStoreConfig.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new KeyValueStateInternals(
        store, "step-1", "key".getBytes(StandardCharsets.UTF_8), "key");
  }

  @After
  public void closeStore() {
    if (store != null) {
      store.close();
    }
  }
}
