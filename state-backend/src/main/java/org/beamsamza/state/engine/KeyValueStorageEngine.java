package org.beamsamza.state.engine;

import java.util.Iterator;
import java.util.Objects;
import org.beamsamza.runtime.storage.StorageEngine;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.state.kv.KeyValueStore;

/** A task's key-value store as the container manages it. */
final class KeyValueStorageEngine implements StorageEngine {
  private final KeyValueStore store;

  KeyValueStorageEngine(KeyValueStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public KeyValueStore getStore() {
    return store;
  }

  @Override
  public void restore(Iterator<IncomingMessageEnvelope> changelogRecords) {
    throw new UnsupportedOperationException("changelog restore is not wired yet");
  }

  @Override
  public void flush() {
    store.flush();
  }

  @Override
  public void stop() {
    store.close();
  }
}
