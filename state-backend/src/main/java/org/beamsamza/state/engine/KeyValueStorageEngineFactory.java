package org.beamsamza.state.engine;

import java.util.Locale;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.storage.StorageEngine;
import org.beamsamza.runtime.storage.StorageEngineFactory;
import org.beamsamza.runtime.storage.StoreContext;
import org.beamsamza.state.kv.ChangelogRestorer;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.state.kv.internals.LazyOpenStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.MeteredKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;

/**
 * Opens a task's {@link KeyValueStore} as the decorator stack metered -> caching -> (logged) ->
 * RocksDB or in-memory (DESIGN decision 5). Store config (keys under {@code stores.<name>.}):
 * {@code backend} = {@code rocksdb} (default) or {@code memory}; {@code cache.entries} (default
 * {@value #DEFAULT_CACHE_ENTRIES}) and {@code cache.bytes} (default 16 MiB) bound the write-back
 * cache; {@code rocksdb.block.cache.bytes}, {@code rocksdb.write.buffer.bytes}; {@code changelog} =
 * {@code <system>.<streamPrefix>} makes the store logged (the container resolves the task's
 * partition, see {@link org.beamsamza.runtime.storage.TaskStorageManager}); {@code
 * restore.batch.size} (default {@value
 * org.beamsamza.state.kv.ChangelogRestorer#DEFAULT_BATCH_SIZE}) is the number of changelog records
 * per write batch when restoring.
 */
public final class KeyValueStorageEngineFactory implements StorageEngineFactory {
  public static final String BACKEND = "backend";
  public static final String CACHE_ENTRIES = "cache.entries";
  public static final int DEFAULT_CACHE_ENTRIES = 100_000;
  public static final String CACHE_BYTES = "cache.bytes";
  public static final long DEFAULT_CACHE_BYTES = 16L << 20;
  public static final String RESTORE_BATCH_SIZE = "restore.batch.size";

  /** {@code false} for throwaway stores (see {@link RocksDbStoreConfig#withFlushToDisk}). */
  public static final String FLUSH_TO_DISK = "rocksdb.flush.to.disk";

  @Override
  public StorageEngine getStorageEngine(StoreContext context) {
    Config c = context.storeConfig();
    String backend = c.get(BACKEND, "rocksdb").trim().toLowerCase(Locale.ROOT);
    KeyValueStore bottom;
    switch (backend) {
      case "rocksdb" -> {
        RocksDbStoreConfig rc = RocksDbStoreConfig.defaults();
        rc =
            rc.withBlockCacheSizeBytes(
                c.getLong("rocksdb.block.cache.bytes", rc.blockCacheSizeBytes()));
        rc =
            rc.withWriteBufferSizeBytes(
                c.getLong("rocksdb.write.buffer.bytes", rc.writeBufferSizeBytes()));
        rc = rc.withFlushToDisk(c.getBoolean(FLUSH_TO_DISK, true));
        RocksDbStoreConfig config = rc;
        java.io.File dir = context.storeDir();
        // A new (or wiped) task store opens its database on its first write: most tasks of a wide
        // stage may never hold state, and each open database costs files and time.
        bottom =
            new java.io.File(dir, "CURRENT").exists()
                ? new RocksDbKeyValueStore(dir, config)
                : new LazyOpenStore<>(() -> new RocksDbKeyValueStore(dir, config));
      }
      case "memory" -> bottom = new InMemoryKeyValueStore();
      default ->
          throw new IllegalArgumentException(
              "Store "
                  + context.storeName()
                  + ": backend '"
                  + backend
                  + "' is not one of rocksdb, memory");
    }
    KeyValueStore logged =
        context.isLogged()
            ? new LoggedKeyValueStore(
                bottom,
                new ChangelogCollectorWriter(context.changelog(), context.changelogPartition()))
            : bottom;
    int cacheEntries = c.getInt(CACHE_ENTRIES, DEFAULT_CACHE_ENTRIES);
    KeyValueStore stack =
        new MeteredKeyValueStore(
            cacheEntries > 0
                ? new CachingKeyValueStore(
                    logged, cacheEntries, c.getLong(CACHE_BYTES, DEFAULT_CACHE_BYTES))
                : logged);
    return new KeyValueStorageEngine(
        stack,
        bottom,
        backend.equals("rocksdb"),
        c.getInt(RESTORE_BATCH_SIZE, ChangelogRestorer.DEFAULT_BATCH_SIZE));
  }
}
