package org.beamsamza.state.kv;

import org.rocksdb.CompressionType;

/**
 * Tuning for one task's RocksDB store. Immutable; start from {@link #defaults()} and change with
 * the {@code with*} methods. Defaults are modest because a container runs several tasks, each with
 * its own store: 32 MiB block cache (shared by the JVM's stores of that size), 16 MiB write buffer,
 * LZ4, WAL disabled, memtables flushed to disk by {@code flush()} and a clean close.
 *
 * <p>The WAL is off by default because the changelog is the store's durability: after a crash the
 * store is rebuilt (or topped up) from the changelog, and the commit protocol flushes stores before
 * writing a checkpoint (DESIGN decision 6). Turn it on for stores without a changelog.
 */
public record RocksDbStoreConfig(
    long blockCacheSizeBytes,
    long writeBufferSizeBytes,
    CompressionType compressionType,
    boolean walDisabled,
    boolean flushToDisk) {

  public RocksDbStoreConfig {
    if (blockCacheSizeBytes <= 0 || writeBufferSizeBytes <= 0) {
      throw new IllegalArgumentException("sizes must be positive");
    }
    if (compressionType == null) {
      throw new NullPointerException("compressionType");
    }
  }

  public static RocksDbStoreConfig defaults() {
    return new RocksDbStoreConfig(
        32L << 20, 16L << 20, CompressionType.LZ4_COMPRESSION, true, true);
  }

  public RocksDbStoreConfig withBlockCacheSizeBytes(long bytes) {
    return new RocksDbStoreConfig(
        bytes, writeBufferSizeBytes, compressionType, walDisabled, flushToDisk);
  }

  public RocksDbStoreConfig withWriteBufferSizeBytes(long bytes) {
    return new RocksDbStoreConfig(
        blockCacheSizeBytes, bytes, compressionType, walDisabled, flushToDisk);
  }

  public RocksDbStoreConfig withCompressionType(CompressionType type) {
    return new RocksDbStoreConfig(
        blockCacheSizeBytes, writeBufferSizeBytes, type, walDisabled, flushToDisk);
  }

  public RocksDbStoreConfig withWalDisabled(boolean disabled) {
    return new RocksDbStoreConfig(
        blockCacheSizeBytes, writeBufferSizeBytes, compressionType, disabled, flushToDisk);
  }

  /**
   * Whether {@code flush()} and a clean close write the memtable to disk (default). Off for a
   * throwaway store, whose directory is deleted after the run and never read again: then neither a
   * commit nor the close writes table files, which for a wide job's thousands of small stores was
   * most of the time spent in RocksDB.
   */
  public RocksDbStoreConfig withFlushToDisk(boolean flush) {
    return new RocksDbStoreConfig(
        blockCacheSizeBytes, writeBufferSizeBytes, compressionType, walDisabled, flush);
  }
}
