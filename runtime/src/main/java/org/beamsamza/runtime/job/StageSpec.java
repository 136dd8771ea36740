package org.beamsamza.runtime.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.beamsamza.runtime.system.SystemStream;

/**
 * What the planner needs to know about a stage: its partitioned inputs (task i reads partition i of
 * each) and its broadcast inputs (every task reads every partition), each with its partition count.
 */
public final class StageSpec {
  private final String stageId;
  private final Map<SystemStream, Integer> partitionedInputs;
  private final Map<SystemStream, Integer> broadcastInputs;

  public StageSpec(
      String stageId,
      Map<SystemStream, Integer> partitionedInputs,
      Map<SystemStream, Integer> broadcastInputs) {
    this.stageId = Objects.requireNonNull(stageId);
    this.partitionedInputs = new LinkedHashMap<>(partitionedInputs);
    this.broadcastInputs = new LinkedHashMap<>(broadcastInputs);
    if (partitionedInputs.isEmpty()) {
      throw new IllegalArgumentException("Stage " + stageId + " has no partitioned input");
    }
  }

  public String getStageId() {
    return stageId;
  }

  public Map<SystemStream, Integer> getPartitionedInputs() {
    return partitionedInputs;
  }

  public Map<SystemStream, Integer> getBroadcastInputs() {
    return broadcastInputs;
  }

  /** Samza's rule: one task per partition of the widest partitioned input. */
  public int getTaskCount() {
    return partitionedInputs.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  @Override
  public String toString() {
    return "StageSpec{"
        + stageId
        + ", inputs="
        + partitionedInputs
        + ", broadcast="
        + broadcastInputs
        + "}";
  }
}
