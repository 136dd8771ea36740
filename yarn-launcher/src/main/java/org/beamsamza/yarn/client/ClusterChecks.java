package org.beamsamza.yarn.client;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.yarn.api.records.QueueInfo;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * Checks made before submitting, so that a wrong option fails at once with a message naming it,
 * instead of an application that waits forever in ACCEPTED or is rejected with a scheduler message.
 * Option names come from the caller (e.g. {@code --yarnQueue}): these checks know nothing of Beam.
 */
public final class ClusterChecks {

  private ClusterChecks() {}

  /**
   * Fails unless the cluster has {@code queue}.
   *
   * @param optionName the option that named the queue, for the message (e.g. {@code --yarnQueue})
   * @throws IllegalArgumentException naming the option and listing the cluster's queues
   */
  public static void checkQueueExists(YarnClient yarn, String queue, String optionName)
      throws IOException, YarnException {
    QueueInfo info = null;
    Exception refusal = null;
    try {
      info = yarn.getQueueInfo(queue);
    } catch (IOException | YarnException e) {
      // The capacity scheduler answers an unknown queue with an exception, others with null.
      refusal = e;
    }
    if (info == null) {
      // Listing the queues also surfaces an unreachable RM as its own error, not as "no queue".
      throw new IllegalArgumentException(
          optionName
              + "="
              + queue
              + ": the cluster has no such queue; its queues are "
              + queueNames(yarn),
          refusal);
    }
  }

  /**
   * Fails unless a container of {@code memoryMb} and {@code vcores} fits the cluster's largest
   * container ({@code GetNewApplicationResponse.getMaximumResourceCapability()}).
   *
   * @throws IllegalArgumentException naming the option and the YARN setting that limits it
   */
  public static void checkFits(
      Resource maximum, long memoryMb, String memoryOption, int vcores, String vcoresOption) {
    if (memoryMb <= 0) {
      throw new IllegalArgumentException(memoryOption + "=" + memoryMb + " must be positive");
    }
    if (vcores <= 0) {
      throw new IllegalArgumentException(vcoresOption + "=" + vcores + " must be positive");
    }
    if (memoryMb > maximum.getMemorySize()) {
      throw new IllegalArgumentException(
          memoryOption
              + "="
              + memoryMb
              + " exceeds the cluster's maximum container size of "
              + maximum.getMemorySize()
              + " MB (yarn.scheduler.maximum-allocation-mb)");
    }
    if (vcores > maximum.getVirtualCores()) {
      throw new IllegalArgumentException(
          vcoresOption
              + "="
              + vcores
              + " exceeds the cluster's maximum of "
              + maximum.getVirtualCores()
              + " vcores per container (yarn.scheduler.maximum-allocation-vcores)");
    }
  }

  private static String queueNames(YarnClient yarn) throws IOException, YarnException {
    List<QueueInfo> queues = yarn.getAllQueues();
    return queues.stream()
        .map(QueueInfo::getQueueName)
        .sorted()
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
