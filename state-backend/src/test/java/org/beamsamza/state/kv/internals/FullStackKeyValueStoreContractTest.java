package org.beamsamza.state.kv.internals;

import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/** The contract over the production layering: metered -> caching -> logged -> RocksDB. */
public class FullStackKeyValueStoreContractTest extends KeyValueStoreContractTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Override
  protected KeyValueStore createStore() throws Exception {
    ChangelogWriter noop =
        new ChangelogWriter() {
          @Override
          public void write(byte[] key, byte[] valueOrNullForTombstone) {}

          @Override
          public void flush() {}
        };
    return new MeteredKeyValueStore(
        new CachingKeyValueStore(
            new LoggedKeyValueStore(
                new RocksDbKeyValueStore(tmp.newFolder("task-0"), RocksDbStoreConfig.defaults()),
                noop),
            4));
  }
}
