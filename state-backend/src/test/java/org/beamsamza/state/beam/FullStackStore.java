package org.beamsamza.state.beam;

import java.io.File;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.MeteredKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;

/**
 * The production layering for state tests: metered -> caching (4 entries, so evictions happen
 * mid-test) -> logged (to a changelog nobody reads) -> RocksDB in {@code dir}.
 */
final class FullStackStore {
  private FullStackStore() {}

  static KeyValueStore open(File dir) {
    ChangelogWriter discard =
        new ChangelogWriter() {
          @Override
          public void write(byte[] key, byte[] valueOrNullForTombstone) {}

          @Override
          public void flush() {}
        };
    return new MeteredKeyValueStore(
        new CachingKeyValueStore(
            new LoggedKeyValueStore(
                new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults()), discard),
            4));
  }
}
