package org.beamsamza.state.kv.internals;

import org.beamsamza.state.kv.KeyValueStore;

/** The contract over a tiny cache, so that evictions happen constantly. */
public class CachingKeyValueStoreContractTest extends KeyValueStoreContractTest {
  @Override
  protected KeyValueStore createStore() {
    return new CachingKeyValueStore(new InMemoryKeyValueStore(), 3);
  }
}
