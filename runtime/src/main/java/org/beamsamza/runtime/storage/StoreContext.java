package org.beamsamza.runtime.storage;

import java.io.File;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.TaskName;

/**
 * Everything a {@link StorageEngineFactory} needs to open one task's store.
 *
 * @param storeName the store's configured name
 * @param taskName the task that owns the store
 * @param storeDir the task's own directory for this store (may not exist yet)
 * @param storeConfig the {@code stores.<name>.*} keys with that prefix removed
 * @param changelog where the store sends its changelog records, or {@code null} when the store is
 *     not logged
 * @param changelogPartition the task's partition of the changelog stream, or {@code null}
 */
public record StoreContext(
    String storeName,
    TaskName taskName,
    File storeDir,
    Config storeConfig,
    MessageCollector changelog,
    SystemStreamPartition changelogPartition) {

  public boolean isLogged() {
    return changelogPartition != null;
  }
}
