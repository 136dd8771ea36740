package org.beamsamza.state.beam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateInternalsTest;
import org.beamsamza.state.kv.KeyValueStore;
import org.junit.After;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/**
 * Beam's own StateInternals contract over the production layering (metered -> caching (4 entries,
 * so evictions happen mid-test) -> logged -> RocksDB).
 */
public class KeyValueStateInternalsFullStackTest extends StateInternalsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private KeyValueStore store;

  @Override
  protected StateInternals createStateInternals() {
    try {
      store = FullStackStore.open(tmp.newFolder("task-0"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new KeyValueStateInternals(
        store, "step-1", "key".getBytes(StandardCharsets.UTF_8), "key");
  }

  @After
  public void closeStore() {
    if (store != null) {
      store.close();
    }
  }
}
