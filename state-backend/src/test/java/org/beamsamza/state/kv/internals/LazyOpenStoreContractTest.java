package org.beamsamza.state.kv.internals;

import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/** The store contract over a RocksDB store opened lazily on its first write. */
public class LazyOpenStoreContractTest extends KeyValueStoreContractTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Override
  protected KeyValueStore createStore() throws Exception {
    java.io.File dir = new java.io.File(tmp.getRoot(), "task-0");
    return new LazyOpenStore<>(() -> new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults()));
  }
}
