package org.beamsamza.runner.tools;

import java.util.Map;
import java.util.TreeMap;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.kafka.KafkaSystemAdmin;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;

/** A job's checkpoints as read from its topic. */
record LoadedCheckpoints(
    String topic, Map<TaskName, Checkpoint> checkpoints, long newestTimestamp) {

  static LoadedCheckpoints load(JobOptions job) {
    String topic = job.topic();
    Config config = job.config();
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin(CheckpointTool.KAFKA, config)) {
      admin.getPartitionCount(new SystemStream(CheckpointTool.KAFKA, topic));
    } catch (IllegalArgumentException e) {
      throw new ToolException(
          "No checkpoint topic "
              + topic
              + " on "
              + job.bootstrapServers
              + " (--job-name="
              + job.jobName
              + " --job-id="
              + job.jobId
              + "): did the job run with --system=kafka and this name and id?");
    }
    KafkaCheckpointManager manager =
        new KafkaCheckpointManager(CheckpointTool.KAFKA, config, topic);
    manager.start();
    try {
      Map<TaskName, Checkpoint> checkpoints = new TreeMap<>(manager.getCheckpoints());
      if (checkpoints.isEmpty()) {
        throw new ToolException(
            "Checkpoint topic " + topic + " holds no checkpoint: the job never committed");
      }
      return new LoadedCheckpoints(topic, checkpoints, manager.getNewestReadTimestamp());
    } finally {
      manager.stop();
    }
  }

  static String key(TaskName task, SystemStreamPartition ssp) {
    return "tasknames."
        + task.getName()
        + ".systems."
        + ssp.getSystem()
        + ".streams."
        + ssp.getStream()
        + ".partitions."
        + ssp.getPartition();
  }
}
