package org.beamsamza.runner.job;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.state.engine.KeyValueStorageEngineFactory;
import org.beamsamza.translation.task.StageTask;

/** The container config of the tasks' Beam state store, from the pipeline options. */
public final class StateStoreConfig {
  private StateStoreConfig() {}

  /** Changelog streams of the in-memory state store are {@code beam-state-changelog-<stage id>}. */
  public static final String CHANGELOG_STREAM_PREFIX = "beam-state-changelog";

  /**
   * @param throwaway the store directory is deleted after the run, so no store is ever reopened:
   *     RocksDB need not write memtables to disk at commits or at close
   * @param changelog {@code <system>.<stream prefix>} of the changelog streams (one per stage)
   */
  public static Map<String, String> forOptions(
      SamzaPipelineOptions options, Path baseDir, boolean throwaway, String changelog) {
    String prefix = TaskStorageManager.STORES_PREFIX + StageTask.STATE_STORE + ".";
    Map<String, String> config = new HashMap<>();
    if (throwaway) {
      config.put(prefix + KeyValueStorageEngineFactory.FLUSH_TO_DISK, "false");
    }
    if (options.getStateChangelog()) {
      config.put(prefix + "changelog", changelog);
    }
    config.putAll(
        Map.of(
            TaskStorageManager.STORE_BASE_DIR,
            baseDir.toString(),
            prefix + "factory",
            KeyValueStorageEngineFactory.class.getName(),
            prefix + KeyValueStorageEngineFactory.BACKEND,
            options.getStateBackend().name().toLowerCase(Locale.ROOT),
            prefix + KeyValueStorageEngineFactory.CACHE_ENTRIES,
            Integer.toString(options.getStateCacheEntries()),
            prefix + KeyValueStorageEngineFactory.CACHE_BYTES,
            Long.toString(options.getStateCacheBytes())));
    return config;
  }
}
