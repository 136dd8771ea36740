package org.beamsamza.state.kv.internals;

import org.beamsamza.state.kv.KeyValueStore;

public class MeteredKeyValueStoreContractTest extends KeyValueStoreContractTest {
  @Override
  protected KeyValueStore createStore() {
    return new MeteredKeyValueStore(new InMemoryKeyValueStore());
  }
}
