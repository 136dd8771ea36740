package org.beamsamza.runner.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.StagePlan;

/** Reading a status page's {@code /status.json} against the plan it was built from, in tests. */
public final class StatusJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusJson() {}

  /** The stage of the plan that runs the step whose name starts with {@code stepPrefix}. */
  public static String stageOf(ExecutionPlan plan, String stepPrefix) {
    for (StagePlan stage : plan.stages()) {
      for (NodeSpec node : stage.nodes()) {
        if (node.stepName().startsWith(stepPrefix)) {
          return stage.id();
        }
      }
    }
    throw new AssertionError("No step " + stepPrefix + " in " + plan.describe());
  }

  /** The graph's stage {@code id} in a status, or a missing node. */
  public static JsonNode stageNode(JsonNode status, String id) {
    for (JsonNode stage : status.path("graph").path("stages")) {
      if (stage.path("id").asText().equals(id)) {
        return stage;
      }
    }
    return JSON.missingNode();
  }
}
