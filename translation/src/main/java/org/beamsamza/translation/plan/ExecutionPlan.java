package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;

/**
 * The whole translated pipeline as data: stages, the intermediate streams between them, and the
 * bounded and unbounded source splits each source stream's partitions read and the TestStream
 * scripts (all by stream name), and the external systems (by system name) that external inputs such
 * as native KafkaIO reads are consumed from. It is serialized once by the client and deserialized
 * by every task, which gives each task its own instances of user code.
 */
public record ExecutionPlan(
    String jobName,
    SerializablePipelineOptions options,
    List<StagePlan> stages,
    List<StreamDef> streams,
    Map<String, SourceSpec> sources,
    Map<String, UnboundedSourceSpec> unboundedSources,
    Map<String, TestStreamSpec> testStreams,
    Map<String, ExternalSystemSpec> externalSystems)
    implements Serializable {

  public ExecutionPlan(
      String jobName,
      SerializablePipelineOptions options,
      List<StagePlan> stages,
      List<StreamDef> streams,
      Map<String, SourceSpec> sources,
      Map<String, UnboundedSourceSpec> unboundedSources,
      Map<String, TestStreamSpec> testStreams) {
    this(jobName, options, stages, streams, sources, unboundedSources, testStreams, Map.of());
  }

  public ExecutionPlan(
      String jobName,
      SerializablePipelineOptions options,
      List<StagePlan> stages,
      List<StreamDef> streams,
      Map<String, SourceSpec> sources) {
    this(jobName, options, stages, streams, sources, Map.of(), Map.of());
  }

  public StagePlan stage(String id) {
    for (StagePlan stage : stages) {
      if (stage.id().equals(id)) {
        return stage;
      }
    }
    throw new IllegalArgumentException("No stage " + id + " in plan of " + jobName);
  }

  /** A readable outline of stages and streams, for logs and tests. */
  public String describe() {
    StringBuilder sb = new StringBuilder("Plan ").append(jobName).append('\n');
    for (StagePlan stage : stages) {
      sb.append("  ").append(stage.id()).append(" (").append(stage.taskCount()).append(" tasks)\n");
      stage
          .sourceInputs()
          .forEach(
              s ->
                  sb.append(
                          switch (s.kind()) {
                            case BOUNDED -> "    <- source ";
                            case UNBOUNDED -> "    <- unbounded source ";
                            case TEST_STREAM -> "    <- test stream ";
                            case EXTERNAL -> "    <- " + s.external().system() + " stream ";
                          })
                      .append(s.stream())
                      .append('\n'));
      stage.keyedInputs().forEach(s -> sb.append("    <- keyed ").append(s.stream()).append('\n'));
      stage
          .broadcastInputs()
          .forEach(s -> sb.append("    <- broadcast ").append(s.stream()).append('\n'));
      stage.nodes().forEach(n -> sb.append("    ").append(n.stepName()).append('\n'));
      stage.sinks().forEach(s -> sb.append("    -> ").append(s.stream()).append('\n'));
    }
    return sb.toString();
  }
}
