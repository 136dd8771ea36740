package org.beamsamza.runner.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.plan.StreamDef;

/**
 * The job graph as the plan has it, for the page to draw: stages (their fused Beam steps and task
 * count) and the streams that connect them as edges from producing to consuming stage. A source
 * stream has no producing stage ({@code from} is null): the page draws it as an input of its stage.
 * Plain maps and lists, so that JSON and tests see the same thing.
 */
final class GraphModel {
  static final String SOURCE = "source";
  static final String REPARTITION = "repartition";
  static final String BROADCAST = "broadcast";

  private GraphModel() {}

  /** One map per stage: {@code id}, {@code parallelism}, {@code transforms} (step names). */
  static List<Map<String, Object>> stages(ExecutionPlan plan) {
    List<Map<String, Object>> stages = new ArrayList<>();
    for (StagePlan stage : plan.stages()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("id", stage.id());
      s.put("parallelism", stage.taskCount());
      s.put("transforms", stage.nodes().stream().map(NodeSpec::stepName).toList());
      stages.add(s);
    }
    return stages;
  }

  /**
   * One map per stream: {@code from} (null for a source), {@code to}, {@code stream}, {@code
   * partitions}, {@code kind} (source, repartition, broadcast) and, for a source, what reads it
   * ({@code bounded}, {@code unbounded}, {@code test-stream}, or the external system's name).
   */
  static List<Map<String, Object>> edges(ExecutionPlan plan) {
    List<Map<String, Object>> edges = new ArrayList<>();
    for (StagePlan stage : plan.stages()) {
      for (SourceInputSpec source : stage.sourceInputs()) {
        Map<String, Object> e = edge(null, stage.id(), source.stream(), source.partitionCount());
        e.put("kind", SOURCE);
        e.put(
            "source",
            source.kind() == SourceInputSpec.Kind.EXTERNAL
                ? source.external().system()
                : source.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        edges.add(e);
      }
    }
    for (StreamDef stream : plan.streams()) {
      Map<String, Object> e =
          edge(
              stream.producerStage(),
              stream.consumerStage(),
              stream.name(),
              stream.partitionCount());
      e.put("kind", stream.broadcast() ? BROADCAST : REPARTITION);
      edges.add(e);
    }
    return edges;
  }

  private static Map<String, Object> edge(String from, String to, String stream, int partitions) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("from", from);
    e.put("to", to);
    e.put("stream", stream);
    e.put("partitions", partitions);
    return e;
  }
}
