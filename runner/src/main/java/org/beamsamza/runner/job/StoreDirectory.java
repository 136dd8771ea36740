package org.beamsamza.runner.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a local run keeps its task stores, and who owns that place.
 *
 * <p>Either the directory the user named with {@code --storeBaseDir} (kept after the run), or a
 * fresh {@code beam-samza-stores-*} directory in the temp dir, deleted by {@link #close} (a local
 * run's streams are in memory, so its stores can never be reused by another run); {@code
 * LocalExecution} (or a YARN container) closes it when the job's containers have stopped, or from a
 * JVM shutdown hook if the JVM exits first (SIGTERM, {@code System.exit}).
 *
 * <p>Either way the running job holds an OS file lock on {@value #LOCK_FILE} in the directory for
 * as long as it runs. That lock is what tells a live job's directory from a crashed one's: a second
 * job on the same {@code --storeBaseDir} fails at once saying the directory is in use, and every
 * new temporary directory first removes the {@code beam-samza-stores-*} directories of runs killed
 * before they could clean up (SIGKILL) — only those holding our lock file, unlocked, so never a
 * directory this runner did not create or one a live process still uses.
 */
public final class StoreDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreDirectory.class);

  static final String TEMP_PREFIX = "beam-samza-stores-";
  static final String LOCK_FILE = "beam-samza-runner.lock";
  private static final String CREATING_PREFIX = ".beam-samza-new-";

  private final Path path;
  private final boolean temporary;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StoreDirectory(Path path, boolean temporary, FileChannel lockChannel, FileLock lock) {
    this.path = path;
    this.temporary = temporary;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * The directory for one run: {@code configured} if set (created if missing, must be writable and
   * not in use by another job), else a new temporary one.
   *
   * @throws IllegalArgumentException naming {@code --storeBaseDir} when the configured directory
   *     cannot be created or written, or another running job holds it
   */
  public static StoreDirectory open(String configured) {
    if (configured != null && !configured.isBlank()) {
      return openConfigured(configured);
    }
    Path tempRoot = Paths.get(System.getProperty("java.io.tmpdir"));
    deleteAbandoned(tempRoot);
    try {
      // Created under a name the sweep ignores and renamed once locked, so that another run's
      // deleteAbandoned never sees this directory unlocked.
      Path creating = Files.createTempDirectory(tempRoot, CREATING_PREFIX);
      FileChannel channel = openLockFile(creating);
      FileLock lock = channel.lock();
      Path dir =
          tempRoot.resolve(
              TEMP_PREFIX + creating.getFileName().toString().substring(CREATING_PREFIX.length()));
      Files.move(creating, dir, StandardCopyOption.ATOMIC_MOVE);
      return new StoreDirectory(dir, true, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create a temporary store directory in " + tempRoot + ": " + e, e);
    }
  }

  private static StoreDirectory openConfigured(String configured) {
    Path dir = Paths.get(configured);
    FileChannel channel;
    try {
      Files.createDirectories(dir);
      channel = openLockFile(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--storeBaseDir=" + configured + " cannot be used as the store directory: " + e, e);
    }
    FileLock lock = tryLock(channel);
    if (lock == null) {
      closeQuietly(channel);
      throw new IllegalArgumentException(
          "--storeBaseDir="
              + configured
              + " is in use by another running job (it holds "
              + dir.resolve(LOCK_FILE)
              + "); give each concurrent job its own --storeBaseDir");
    }
    return new StoreDirectory(dir, false, channel, lock);
  }

  public Path path() {
    return path;
  }

  /** Whether this is a run's own temporary directory, deleted when the run ends. */
  public boolean isTemporary() {
    return temporary;
  }

  /** Releases the directory: deletes it if temporary, then lets go of its lock. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (temporary) {
      deleteRecursively(path);
    }
    try {
      lock.release();
    } catch (IOException | RuntimeException e) {
      LOG.debug("Releasing the lock of {} failed", path, e);
    }
    closeQuietly(lockChannel);
  }

  /**
   * Deletes the {@code beam-samza-stores-*} directories under {@code tempRoot} that this runner
   * created (they hold {@value #LOCK_FILE}) and that no live process holds locked.
   */
  static void deleteAbandoned(Path tempRoot) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempRoot, TEMP_PREFIX + "*")) {
      for (Path dir : dirs) {
        Path lockFile = dir.resolve(LOCK_FILE);
        if (!Files.isDirectory(dir) || !Files.isRegularFile(lockFile)) {
          continue;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
          FileLock lock = tryLock(channel);
          if (lock == null) {
            continue; // a live job's
          }
          try {
            LOG.info("Deleting {}, left behind by a run that ended without cleaning up", dir);
            deleteRecursively(dir);
          } finally {
            lock.release();
          }
        } catch (IOException e) {
          LOG.debug("Could not check {}", dir, e);
        }
      }
    } catch (IOException e) {
      LOG.debug("Could not list {} for abandoned store directories", tempRoot, e);
    }
  }

  private static FileChannel openLockFile(Path dir) throws IOException {
    return FileChannel.open(
        dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  /** The lock, or null if another process, or another job in this JVM, holds it. */
  private static FileLock tryLock(FileChannel channel) {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + channel, e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Closing a lock file failed", e);
    }
  }

  public static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.warn("Could not delete {}", p, e);
                }
              });
    } catch (IOException e) {
      LOG.warn("Could not delete store directory {}", root, e);
    }
  }
}
