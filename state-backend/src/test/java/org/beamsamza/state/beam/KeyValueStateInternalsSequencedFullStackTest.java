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
 * Beam's StateInternals contract over the production layering with the step-wide {@link
 * ElementSequence} numbering bag, multimap and ordered-list elements (as {@link
 * KeyValueStateInternalsFactory} does).
 */
public class KeyValueStateInternalsSequencedFullStackTest extends StateInternalsTest {
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
        ElementSequence.open(store, "step-1"));
  }

  @After
  public void closeStore() {
    if (store != null) {
      store.close();
    }
  }
}
