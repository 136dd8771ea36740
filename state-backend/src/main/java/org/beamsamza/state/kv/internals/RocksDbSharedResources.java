package org.beamsamza.state.kv.internals;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Logger;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;
import org.slf4j.LoggerFactory;

/**
 * What every RocksDB store of this JVM shares, so that a store per task stays cheap with thousands
 * of tasks: one block cache and one write-buffer manager (total memtable memory, charged to that
 * cache) per configured size, one logger forwarding RocksDB's warnings to SLF4J instead of a {@code
 * LOG} file per store, and the count of open stores that {@link #reserveStore} checks against the
 * process's file-descriptor limit.
 *
 * <p>Caches are reference-counted: the last store to close frees them. RocksDB's background threads
 * are already shared (its default environment's pools).
 */
final class RocksDbSharedResources {
  /** File descriptors one open store holds: LOCK, WAL, MANIFEST, directory, plus table files. */
  static final int FDS_PER_STORE = 6;

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("org.rocksdb");
  private static final Map<Long, Shared> BY_CACHE_SIZE = new HashMap<>();
  private static Logger rocksLogger;
  private static int openStores;

  /** A block cache and write-buffer manager, and how many stores use them. */
  static final class Shared {
    final long cacheBytes;
    final LRUCache cache;
    final WriteBufferManager writeBuffers;
    int users;

    Shared(long cacheBytes, long writeBufferBytes) {
      this.cacheBytes = cacheBytes;
      this.cache = new LRUCache(cacheBytes);
      this.writeBuffers = new WriteBufferManager(writeBufferBytes, cache);
    }
  }

  private RocksDbSharedResources() {}

  /**
   * The shared cache and write-buffer manager for stores configured with {@code cacheBytes};
   * memtables of all of them together are bounded by {@code totalWriteBufferBytes} (the first
   * caller's value wins for a given cache size). Call {@link #release} when the store closes.
   */
  static synchronized Shared acquire(long cacheBytes, long totalWriteBufferBytes) {
    Shared s =
        BY_CACHE_SIZE.computeIfAbsent(
            cacheBytes, b -> new Shared(b, Math.max(totalWriteBufferBytes, 1)));
    s.users++;
    return s;
  }

  static synchronized void release(Shared s) {
    if (--s.users == 0) {
      BY_CACHE_SIZE.remove(s.cacheBytes);
      s.writeBuffers.close();
      s.cache.close();
    }
  }

  /** Sends RocksDB's own log (warnings and worse) to SLF4J; one native logger for every store. */
  static synchronized void useSharedLogger(Options options) {
    if (rocksLogger == null) {
      RocksDB.loadLibrary();
      rocksLogger =
          new Logger(InfoLogLevel.WARN_LEVEL) {
            @Override
            protected void log(InfoLogLevel level, String message) {
              if (level == InfoLogLevel.WARN_LEVEL) {
                LOG.warn(message);
              } else {
                LOG.error(message);
              }
            }
          };
    }
    options.setLogger(rocksLogger);
  }

  /**
   * Counts a store about to open, failing clearly (instead of RocksDB's "Too many open files"
   * halfway through a job) when the process has no file descriptors left for it.
   */
  static synchronized void reserveStore(java.io.File dir) {
    long max = maxFileDescriptors();
    // Listing open descriptors costs a directory read: only near the limit.
    if (max > 0 && (long) (openStores + 1) * FDS_PER_STORE > max / 2) {
      long open = openFileDescriptors();
      if (open >= 0 && open + 4L * FDS_PER_STORE > max) {
        throw new StoreException(
            "cannot open the RocksDB store in "
                + dir
                + ": this JVM already has "
                + open
                + " of its "
                + max
                + " file descriptors open (ulimit -n), with "
                + openStores
                + " task stores open at about "
                + FDS_PER_STORE
                + " each. Run fewer tasks per JVM (SamzaRunner: lower --parallelism, or more"
                + " --containers on a cluster) or raise the limit",
            null);
      }
    }
    openStores++;
  }

  static synchronized void storeClosed() {
    openStores--;
  }

  static synchronized int openStores() {
    return openStores;
  }

  private static long maxFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }

  private static long openFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getOpenFileDescriptorCount()
        : -1;
  }
}
