package org.beamsamza.state.beam;

import java.nio.charset.StandardCharsets;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateInternalsTest;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;

/** Beam's own StateInternals contract (runners-core tests jar) over the in-memory store. */
public class KeyValueStateInternalsInMemoryStoreTest extends StateInternalsTest {
  @Override
  protected StateInternals createStateInternals() {
    return new KeyValueStateInternals(
        new InMemoryKeyValueStore(), "step-1", "key".getBytes(StandardCharsets.UTF_8), "key");
  }
}
