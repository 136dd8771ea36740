package org.beamsamza.state.kv.internals;

import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.drain;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.beamsamza.state.kv.ChangelogRestorer;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The full stack writes a changelog; restoring that changelog into a fresh RocksDB store (as
 * another container would after a failover) yields exactly what a plain {@link TreeMap} model of
 * every put and delete holds.
 */
public class ChangelogRoundTripTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void restoredStoreEqualsOriginal() throws Exception {
    RecordingChangelogWriter changelog = new RecordingChangelogWriter(new ArrayList<>());
    RocksDbKeyValueStore rocks =
        new RocksDbKeyValueStore(tmp.newFolder("original"), RocksDbStoreConfig.defaults());
    KeyValueStore store =
        new MeteredKeyValueStore(
            new CachingKeyValueStore(new LoggedKeyValueStore(rocks, changelog), 50));
    // The model: a plain sorted map that sees every put and delete the stack sees.
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    Random random = new Random(7);
    int ops = 20_000;
    for (int i = 0; i < ops; i++) {
      byte[] key = ByteBuffer.allocate(4).putInt(random.nextInt(500)).array();
      if (random.nextInt(4) == 0) {
        store.delete(key);
        model.remove(key);
      } else {
        byte[] value = ByteBuffer.allocate(4).putInt(i).array();
        store.put(key, value);
        model.put(key, value);
      }
    }
    store.flush();
    List<Entry> expected = new ArrayList<>();
    model.forEach((k, v) -> expected.add(new Entry(k, v)));
    assertThat("the model has live keys and deleted ones", expected.size(), lessThan(500));
    assertThat(expected.size(), greaterThan(300));
    assertThat(drain(store.all()), equalTo(expected));
    // The cache absorbed repeated writes to hot keys.
    assertThat(changelog.records.size(), lessThan(ops));
    assertThat(changelog.flushes, is(1));
    store.close();

    try (RocksDbKeyValueStore restored =
        new RocksDbKeyValueStore(tmp.newFolder("restored"), RocksDbStoreConfig.defaults())) {
      long count = new ChangelogRestorer(1000).restore(changelog.records.iterator(), restored);
      assertThat(count, is((long) changelog.records.size()));
      assertThat(drain(restored.all()), equalTo(expected));
    }
  }
}
