package org.beamsamza.state.kv.internals;

import java.io.File;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.OrderedBatchWrites;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The on-disk {@link KeyValueStore}: one RocksDB database per task in its own directory (DESIGN
 * decision 4). RocksDB's default bytewise comparator is the unsigned order the interface asks for.
 *
 * <p>Batches ({@link #putAll}, {@link #deleteAll}) go through one {@link WriteBatch} each. Range
 * and prefix iterators set an iterate upper bound so that RocksDB stops at the bound instead of
 * reading past it. The WAL is disabled unless {@link RocksDbStoreConfig#walDisabled()} says
 * otherwise, because the changelog is the durability; {@link #close()} therefore flushes the
 * memtable first so that a clean close loses nothing. Every native handle (options, cache,
 * database, open iterators) is freed on close. Not thread-safe: one task thread.
 */
public final class RocksDbKeyValueStore implements KeyValueStore, OrderedBatchWrites {
  static final long ARENA_BLOCK_BYTES = 64L << 10;

  /** Table files one store keeps open (RocksDB's default is unbounded). */
  static final int MAX_OPEN_TABLE_FILES = 64;

  /** The least memtable memory all stores of the JVM may use together before RocksDB flushes. */
  static final long SHARED_WRITE_BUFFER_FLOOR_BYTES = 64L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final File dir;
  private final boolean flushToDisk;
  private final RocksDbSharedResources.Shared shared;
  private final BloomFilter bloomFilter;
  private final Options options;
  private final WriteOptions writeOptions;
  private final RocksDB db;
  private final Set<RocksIteratorAdapter> openIterators =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean closed;

  /** Reused by {@link #writeInOrder} (restore), cleared after each write. */
  private WriteBatch orderedBatch;

  /**
   * Opens (creating if missing) the database in {@code dir}.
   *
   * <p>A store per task must stay cheap with thousands of tasks in one JVM: the block cache and the
   * memtable budget are shared by every store of the JVM ({@link RocksDbSharedResources}), as is
   * the logger (no {@code LOG} file per store); table files held open are bounded, and opening uses
   * no thread pool of its own. Fails with a clear {@link StoreException} when the process has no
   * file descriptors left for another store.
   */
  public RocksDbKeyValueStore(File dir, RocksDbStoreConfig config) {
    this.dir = dir;
    this.flushToDisk = config.flushToDisk();
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new IllegalStateException("cannot create " + dir);
    }
    RocksDbSharedResources.reserveStore(dir);
    shared =
        RocksDbSharedResources.acquire(
            config.blockCacheSizeBytes(),
            Math.max(4 * config.writeBufferSizeBytes(), SHARED_WRITE_BUFFER_FLOOR_BYTES));
    // Whole-key Bloom filters (10 bits/key, ~1% false positives): Beam state reads many cells that
    // are usually absent (trigger bits, pane info, timers and holds not yet set), and without a
    // filter each such get searches every level. Prefix scans do not use it.
    bloomFilter = new BloomFilter(10, false);
    options =
        new Options()
            .setCreateIfMissing(true)
            .setWriteBufferSize(config.writeBufferSizeBytes())
            .setWriteBufferManager(shared.writeBuffers)
            // Memtable memory grows in blocks of this size (default: an eighth of the write
            // buffer, 2 MiB): small blocks keep thousands of mostly small stores small.
            .setArenaBlockSize(ARENA_BLOCK_BYTES)
            .setCompressionType(config.compressionType())
            .setMaxOpenFiles(MAX_OPEN_TABLE_FILES)
            .setMaxFileOpeningThreads(1)
            // With the WAL off RocksDB writes memtables out when a database closes, unless told
            // not to: a throwaway store skips that too.
            .setAvoidFlushDuringShutdown(!config.flushToDisk())
            // The same for keys still in the memtable: a whole-key Bloom filter.
            .setMemtableWholeKeyFiltering(true)
            // 1% of the write buffer: ~13 bits per key of a full memtable of ~160-byte entries.
            // (10% allocated 1.6 MiB per memtable up front: 4 GB of RSS for 1000 small stores.)
            .setMemtablePrefixBloomSizeRatio(0.01)
            .setTableFormatConfig(
                new BlockBasedTableConfig()
                    .setBlockCache(shared.cache)
                    .setFilterPolicy(bloomFilter));
    RocksDbSharedResources.useSharedLogger(options);
    writeOptions = new WriteOptions().setDisableWAL(config.walDisabled());
    RocksDB opened;
    try {
      opened = RocksDB.open(options, dir.getAbsolutePath());
    } catch (RocksDBException e) {
      writeOptions.close();
      options.close();
      bloomFilter.close();
      RocksDbSharedResources.release(shared);
      RocksDbSharedResources.storeClosed();
      throw new StoreException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
    }
    db = opened;
  }

  public File directory() {
    return dir;
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new StoreException("get failed", e);
    }
  }

  @Override
  public List<byte[]> getAll(List<byte[]> keys) {
    checkOpen();
    try {
      return db.multiGetAsList(keys);
    } catch (RocksDBException e) {
      throw new StoreException("multiGet failed", e);
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    checkOpen();
    try {
      db.put(writeOptions, key, value);
    } catch (RocksDBException e) {
      throw new StoreException("put failed", e);
    }
  }

  @Override
  public void putAll(List<Entry> entries) {
    checkOpen();
    try (WriteBatch batch = new WriteBatch()) {
      for (Entry e : entries) {
        batch.put(e.key(), e.value());
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new StoreException("putAll failed", e);
    }
  }

  /** One reused {@link WriteBatch} per call: restore's path, many calls of thousands of records. */
  @Override
  public void writeInOrder(List<Entry> entries) {
    checkOpen();
    if (orderedBatch == null) {
      orderedBatch = new WriteBatch();
    }
    try {
      for (Entry e : entries) {
        if (e.value() == null) {
          orderedBatch.delete(e.key());
        } else {
          orderedBatch.put(e.key(), e.value());
        }
      }
      db.write(writeOptions, orderedBatch);
    } catch (RocksDBException e) {
      throw new StoreException("writeInOrder failed", e);
    } finally {
      try {
        orderedBatch.clear();
      } catch (RuntimeException ignored) {
        // best effort: the next call fails on its own if the batch is unusable
      }
    }
  }

  @Override
  public void delete(byte[] key) {
    checkOpen();
    try {
      db.delete(writeOptions, key);
    } catch (RocksDBException e) {
      throw new StoreException("delete failed", e);
    }
  }

  @Override
  public void deleteRange(byte[] from, byte[] to) {
    checkOpen();
    if (java.util.Arrays.compareUnsigned(from, to) >= 0) {
      return; // empty; RocksDB would refuse it, and a refused write leaves the store in error
    }
    try {
      db.deleteRange(writeOptions, from, to);
    } catch (RocksDBException e) {
      throw new StoreException("deleteRange failed", e);
    }
  }

  @Override
  public void deleteAll(List<byte[]> keys) {
    checkOpen();
    try (WriteBatch batch = new WriteBatch()) {
      for (byte[] k : keys) {
        batch.delete(k);
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new StoreException("deleteAll failed", e);
    }
  }

  @Override
  public KeyValueIterator range(byte[] from, byte[] to) {
    checkOpen();
    if (from != null && to != null && Arrays.compareUnsigned(from, to) >= 0) {
      return EmptyIterator.INSTANCE;
    }
    RocksIteratorAdapter it = new RocksIteratorAdapter(from, to);
    openIterators.add(it);
    return it;
  }

  @Override
  public KeyValueIterator prefix(byte[] prefix) {
    return range(prefix, Bytes.prefixUpperBound(prefix));
  }

  @Override
  public KeyValueIterator all() {
    return range(null, null);
  }

  /**
   * RocksDB's estimate of the live data plus what its memtables hold, in bytes: cheap (no scan),
   * and what the status page shows as a task's state size.
   */
  public long approximateSizeBytes() {
    checkOpen();
    try {
      return db.getLongProperty("rocksdb.estimate-live-data-size")
          + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
    } catch (RocksDBException e) {
      throw new StoreException("reading the size estimate failed", e);
    }
  }

  @Override
  public void flush() {
    checkOpen();
    if (!flushToDisk) {
      return; // a throwaway store: nothing on disk is read again
    }
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      db.flush(fo);
    } catch (RocksDBException e) {
      throw new StoreException("flush failed", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      flush();
    } finally {
      closed = true;
      // Iterators must be freed before the database, or RocksDB asserts/crashes.
      for (RocksIteratorAdapter it : List.copyOf(openIterators)) {
        it.close();
      }
      if (orderedBatch != null) {
        orderedBatch.close();
      }
      db.close();
      writeOptions.close();
      options.close();
      bloomFilter.close();
      RocksDbSharedResources.release(shared);
      RocksDbSharedResources.storeClosed();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed: " + dir);
    }
  }

  /** A RocksDB iterator with its read options and bound slice, freed together. */
  private final class RocksIteratorAdapter implements KeyValueIterator {
    private final Slice upperBound;
    private final ReadOptions readOptions;
    private final RocksIterator it;
    private boolean itClosed;

    RocksIteratorAdapter(byte[] from, byte[] to) {
      upperBound = to == null ? null : new Slice(to);
      readOptions = new ReadOptions();
      if (upperBound != null) {
        readOptions.setIterateUpperBound(upperBound);
      }
      it = db.newIterator(readOptions);
      if (from == null) {
        it.seekToFirst();
      } else {
        it.seek(from);
      }
    }

    @Override
    public boolean hasNext() {
      if (itClosed) {
        return false;
      }
      if (it.isValid()) {
        return true;
      }
      try {
        it.status();
      } catch (RocksDBException e) {
        throw new StoreException("iteration failed", e);
      }
      return false;
    }

    @Override
    public Entry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Entry e = new Entry(it.key(), it.value());
      it.next();
      return e;
    }

    @Override
    public void close() {
      if (itClosed) {
        return;
      }
      itClosed = true;
      it.close();
      readOptions.close();
      if (upperBound != null) {
        upperBound.close();
      }
      openIterators.remove(this);
    }
  }
}
