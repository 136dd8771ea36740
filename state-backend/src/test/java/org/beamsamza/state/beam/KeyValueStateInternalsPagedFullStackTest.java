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
 * Beam's StateInternals contract over the production layering with bags read one element per page
 * ({@link PagedBagRead}, as a GroupByKey's buffer is read), so every bag of more than one element
 * takes the paged path.
 */
public class KeyValueStateInternalsPagedFullStackTest extends StateInternalsTest {
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
        store,
        "step-1",
        "key".getBytes(StandardCharsets.UTF_8),
        "key",
        ElementSequence.open(store, "step-1"),
        new BagPaging(1, 1));
  }

  @After
  public void closeStore() {
    if (store != null) {
      store.close();
    }
  }
}
