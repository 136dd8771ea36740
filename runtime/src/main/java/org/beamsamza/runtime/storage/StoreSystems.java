package org.beamsamza.runtime.storage;

import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.task.MessageCollector;

/**
 * What a {@link TaskStorageManager} needs of its container's systems to log and restore stores:
 * admins (create changelogs, read partition offsets), a fresh consumer per restore (so that restore
 * never disturbs the input consumers' registrations) and the collector changelog records are sent
 * through (the container's producers, flushed at commit after the stores).
 */
public interface StoreSystems {
  SystemAdmin admin(String system);

  /** A new, unstarted consumer of {@code system} owned by the caller, who stops it. */
  SystemConsumer newConsumer(String system);

  MessageCollector changelogCollector();
}
