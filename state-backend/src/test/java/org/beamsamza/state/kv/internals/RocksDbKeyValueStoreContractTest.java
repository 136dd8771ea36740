package org.beamsamza.state.kv.internals;

import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

public class RocksDbKeyValueStoreContractTest extends KeyValueStoreContractTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Override
  protected KeyValueStore createStore() throws Exception {
    return new RocksDbKeyValueStore(tmp.newFolder("task-0"), RocksDbStoreConfig.defaults());
  }
}
