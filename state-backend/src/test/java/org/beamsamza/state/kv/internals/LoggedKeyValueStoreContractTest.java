package org.beamsamza.state.kv.internals;

import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.KeyValueStore;

public class LoggedKeyValueStoreContractTest extends KeyValueStoreContractTest {
  @Override
  protected KeyValueStore createStore() {
    return new LoggedKeyValueStore(
        new InMemoryKeyValueStore(),
        new ChangelogWriter() {
          @Override
          public void write(byte[] key, byte[] valueOrNullForTombstone) {}

          @Override
          public void flush() {}
        });
  }
}
