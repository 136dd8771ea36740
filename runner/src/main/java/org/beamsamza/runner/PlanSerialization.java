package org.beamsamza.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import org.apache.beam.sdk.util.SerializableUtils;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.StagePlan;

/**
 * Serializes the plan that every task deserializes its own copy of. When user code cannot be
 * serialized, the error names the step that holds it and the class that broke, not the whole plan.
 */
public final class PlanSerialization {
  private PlanSerialization() {}

  public static byte[] serialize(ExecutionPlan plan) {
    try {
      return SerializableUtils.serializeToByteArray(plan);
    } catch (IllegalArgumentException e) {
      for (StagePlan stage : plan.stages()) {
        for (NodeSpec node : stage.nodes()) {
          try {
            toBytes(node);
          } catch (IOException nodeFailure) {
            throw new IllegalArgumentException(
                "Step '"
                    + node.stepName()
                    + "' cannot be serialized: "
                    + describe(nodeFailure)
                    + ". Every DoFn, CombineFn, coder and anything they reference must be"
                    + " Serializable (an anonymous class also captures its enclosing instance).",
                nodeFailure);
          }
        }
      }
      throw new IllegalArgumentException(
          "The execution plan cannot be serialized: " + e.getCause(), e.getCause());
    }
  }

  private static String describe(IOException e) {
    return e instanceof NotSerializableException
        ? "class " + e.getMessage() + " is not Serializable"
        : e.toString();
  }

  private static byte[] toBytes(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }
}
