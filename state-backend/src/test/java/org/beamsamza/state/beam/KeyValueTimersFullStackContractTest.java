package org.beamsamza.state.beam;

import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.MeteredKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.junit.After;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/**
 * The shared timer behaviour over {@link KeyValueTimers} on the production layering (metered ->
 * caching with 4 entries, so evictions and cached tombstones meet the range scans -> logged ->
 * RocksDB).
 */
public class KeyValueTimersFullStackContractTest extends KeyedTimersContractTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private KeyValueStore store;

  @Override
  protected Timers newTimers() throws Exception {
    ChangelogWriter noop =
        new ChangelogWriter() {
          @Override
          public void write(byte[] key, byte[] valueOrNullForTombstone) {}

          @Override
          public void flush() {}
        };
    store =
        new MeteredKeyValueStore(
            new CachingKeyValueStore(
                new LoggedKeyValueStore(
                    new RocksDbKeyValueStore(
                        tmp.newFolder("task-0"), RocksDbStoreConfig.defaults()),
                    noop),
                4));
    return KeyValueTimersRocksDbContractTest.adapt(
        new KeyValueTimers(store, "step", IntervalWindow.getCoder()));
  }

  @After
  public void closeStore() {
    if (store != null) {
      store.close();
    }
  }
}
