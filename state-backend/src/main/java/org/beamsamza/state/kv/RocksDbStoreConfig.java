package org.beamsamza.state.kv;

import org.rocksdb.CompressionType;

/**
 * Tuning for one task's RocksDB store. Immutable; start from {@link #defaults()} and change with
 * the {@code with*} methods. Defaults are modest because a container runs several tasks, each with
 * its own store: 32 MiB block cache, 16 MiB write buffer, LZ4, WAL disabled.
 *
 * <p>The WAL is off by default because the changelog is the store's durability: after a crash the
 * store is rebuilt (or topped up) from the changelog, and the commit protocol flushes stores before
 * writing a checkpoint (DESIGN decision 6). Turn it on for stores without a changelog.
 */
public record RocksDbStoreConfig(
    long blockCacheSizeBytes,
    long writeBufferSizeBytes,
    CompressionType compressionType,
    boolean walDisabled) {

  public RocksDbStoreConfig {
    if (blockCacheSizeBytes <= 0 || writeBufferSizeBytes <= 0) {
      throw new IllegalArgumentException("sizes must be positive");
    }
    if (compressionType == null) {
      throw new NullPointerException("compressionType");
    }
  }

  public static RocksDbStoreConfig defaults() {
    return new RocksDbStoreConfig(32L << 20, 16L << 20, CompressionType.LZ4_COMPRESSION, true);
  }

  public RocksDbStoreConfig withBlockCacheSizeBytes(long bytes) {
    return new RocksDbStoreConfig(bytes, writeBufferSizeBytes, compressionType, walDisabled);
  }

  public RocksDbStoreConfig withWriteBufferSizeBytes(long bytes) {
    return new RocksDbStoreConfig(blockCacheSizeBytes, bytes, compressionType, walDisabled);
  }

  public RocksDbStoreConfig withCompressionType(CompressionType type) {
    return new RocksDbStoreConfig(blockCacheSizeBytes, writeBufferSizeBytes, type, walDisabled);
  }

  public RocksDbStoreConfig withWalDisabled(boolean disabled) {
    return new RocksDbStoreConfig(
        blockCacheSizeBytes, writeBufferSizeBytes, compressionType, disabled);
  }
}
