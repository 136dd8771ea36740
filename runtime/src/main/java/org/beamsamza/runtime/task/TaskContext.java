package org.beamsamza.runtime.task;

import java.util.Set;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.metrics.MetricsRegistry;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemStreamPartition;

/** What a task knows about itself and its container when it is initialized. */
public interface TaskContext {
  TaskName getTaskName();

  TaskModel getTaskModel();

  /** The partitions this task consumes. */
  default Set<SystemStreamPartition> getSystemStreamPartitions() {
    return getTaskModel().getInputs();
  }

  Config getConfig();

  String getContainerId();

  /** The admin of a named system, e.g. to learn a stream's partition count. */
  SystemAdmin getSystemAdmin(String systemName);

  /**
   * This task's store named {@code name} (configured by {@code stores.<name>.*}), opened and
   * restored from its changelog on the first call. The container flushes it at every commit and
   * stops it when the task closes; the task must not close it.
   */
  Object getStore(String name);

  /**
   * This task's metrics registry: what the task adds there is reported with the container's metrics
   * (JMX, the snapshot stream, the status page) under the source {@code task <name>}.
   */
  MetricsRegistry getMetricsRegistry();
}
