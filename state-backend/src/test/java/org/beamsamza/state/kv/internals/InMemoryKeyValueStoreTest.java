package org.beamsamza.state.kv.internals;

import org.beamsamza.state.kv.KeyValueStore;

public class InMemoryKeyValueStoreTest extends KeyValueStoreContractTest {
  @Override
  protected KeyValueStore createStore() {
    return new InMemoryKeyValueStore();
  }
}
