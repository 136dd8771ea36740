package org.beamsamza.runtime.storage;

/**
 * Creates the {@link StorageEngine} of one store of one task. Named by class in the config key
 * {@code stores.<name>.factory}; needs a public no-argument constructor.
 */
public interface StorageEngineFactory {
  StorageEngine getStorageEngine(StoreContext context);
}
