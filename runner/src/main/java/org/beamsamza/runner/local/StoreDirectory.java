package org.beamsamza.runner.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;
import org.beamsamza.runtime.local.JobHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a local run keeps its task stores: the directory the user named (kept), or a fresh
 * temporary one, deleted once the job has ended (a local run's streams are in memory, so its stores
 * can never be reused by another run).
 */
final class StoreDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(StoreDirectory.class);

  private final Path path;
  private final boolean temporary;

  private StoreDirectory(Path path, boolean temporary) {
    this.path = path;
    this.temporary = temporary;
  }

  static StoreDirectory of(String configured) {
    try {
      if (configured != null && !configured.isBlank()) {
        return new StoreDirectory(Files.createDirectories(Paths.get(configured)), false);
      }
      return new StoreDirectory(Files.createTempDirectory("beam-samza-stores-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the store directory"
              + (configured == null ? "" : " --storeBaseDir=" + configured),
          e);
    }
  }

  Path path() {
    return path;
  }

  /** Deletes a temporary directory after the job has ended, on a daemon thread. */
  void deleteWhenFinished(JobHandle job) {
    if (!temporary) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              job.waitForFinish();
              deleteRecursively(path);
            },
            "delete-stores-" + path.getFileName());
    t.setDaemon(true);
    t.start();
  }

  static void deleteRecursively(Path root) {
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
