package org.beamsamza.translation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.translation.TranslationContext.NodeUnit;
import org.beamsamza.translation.TranslationContext.SideInput;
import org.beamsamza.translation.TranslationContext.SourceUnit;
import org.beamsamza.translation.plan.BroadcastInputSpec;
import org.beamsamza.translation.plan.ExternalInput;
import org.beamsamza.translation.plan.KeyedInputSpec;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.SinkSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.plan.StreamDef;

/**
 * Cuts the translated graph into stages (DESIGN decision 2): an operator fuses with the producers
 * of its local inputs (union-find, so a Flatten of two branches joins them), while a keyed operator
 * starts from a repartition stream and a side input arrives on a broadcast stream. A stage's task
 * count is the largest partition count of its sources and repartition streams.
 */
final class StagePlanner {
  private final TranslationContext context;
  private final String jobName;
  private final List<Object> units;
  private final int[] parent;
  private final Map<String, Integer> producers = new HashMap<>();

  StagePlanner(TranslationContext context, String jobName) {
    this.context = context;
    this.jobName = jobName;
    this.units = context.units();
    this.parent = new int[units.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
  }

  private int find(int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private void union(int a, int b) {
    int ra = find(a);
    int rb = find(b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  private int producerOf(String pcollection, String consumer) {
    Integer producer = producers.get(pcollection);
    if (producer == null) {
      throw new IllegalStateException(
          consumer + " reads " + pcollection + " which no translated step produces");
    }
    return producer;
  }

  record Result(List<StagePlan> stages, List<StreamDef> streams) {}

  Result plan() {
    // The streams of one external input (e.g. the topics of one KafkaIO read) feed the same
    // PCollections: one stage reads them all.
    Map<ExternalInput, Integer> firstOfExternal = new java.util.IdentityHashMap<>();
    for (int i = 0; i < units.size(); i++) {
      Object unit = units.get(i);
      if (unit instanceof SourceUnit source && source.external() != null) {
        int index = i;
        union(i, firstOfExternal.computeIfAbsent(source.external(), e -> index));
      }
    }
    for (int i = 0; i < units.size(); i++) {
      Object unit = units.get(i);
      if (unit instanceof SourceUnit source) {
        for (String output : source.outputs()) {
          producers.put(output, i);
        }
      } else {
        NodeUnit node = (NodeUnit) unit;
        for (String input : node.mainInputs()) {
          union(i, producerOf(input, node.stepName()));
        }
        for (String output : node.outputs().values()) {
          producers.put(output, i);
        }
      }
    }

    // Stage ids in order of their first unit.
    Map<Integer, String> stageOfRoot = new LinkedHashMap<>();
    for (int i = 0; i < units.size(); i++) {
      stageOfRoot.computeIfAbsent(find(i), r -> "stage" + stageOfRoot.size());
    }
    Map<String, StageBuilder> stages = new LinkedHashMap<>();
    for (String id : stageOfRoot.values()) {
      stages.put(id, new StageBuilder(id));
    }
    int[] nodeIndex = new int[units.size()];
    for (int i = 0; i < units.size(); i++) {
      StageBuilder stage = stages.get(stageOfRoot.get(find(i)));
      Object unit = units.get(i);
      if (unit instanceof SourceUnit source) {
        stage.sources.add(
            new SourceInputSpec(
                source.stream(),
                source.partitions().size(),
                source.output(),
                source.kind(),
                source.external()));
        stage.partitionCounts.add(source.partitions().size());
      } else {
        NodeUnit node = (NodeUnit) unit;
        nodeIndex[i] = stage.nodes.size();
        stage.nodes.add(
            new NodeSpec(
                node.stepName(),
                node.factory(),
                node.mainInputs(),
                node.outputs(),
                node.sideInputs().stream().map(s -> s.view().getTagInternal().getId()).toList()));
        if (node.keyedInput() != null) {
          stage.partitionCounts.add(context.parallelism());
        }
      }
    }
    // Task counts depend only on partition counts, so they are known before wiring streams.
    Map<String, Integer> taskCounts = new HashMap<>();
    stages.forEach(
        (id, s) ->
            taskCounts.put(id, s.partitionCounts.stream().max(Integer::compare).orElseThrow()));

    List<StreamDef> streams = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      if (!(units.get(i) instanceof NodeUnit node)) {
        continue;
      }
      String consumerStage = stageOfRoot.get(find(i));
      StageBuilder consumer = stages.get(consumerStage);
      if (node.keyedInput() != null) {
        int producer = producerOf(node.keyedInput().pcollection(), node.stepName());
        String producerStage = stageOfRoot.get(find(producer));
        String stream = streamName(consumerStage, "keyed", streams.size());
        streams.add(
            new StreamDef(stream, context.parallelism(), false, producerStage, consumerStage));
        stages
            .get(producerStage)
            .sinks
            .add(
                new SinkSpec(
                    node.keyedInput().pcollection(),
                    stream,
                    context.parallelism(),
                    node.keyedInput().keyCoder(),
                    node.keyedInput().valueCoder()));
        consumer.keyed.add(
            new KeyedInputSpec(
                stream,
                context.parallelism(),
                taskCounts.get(producerStage),
                nodeIndex[i],
                node.keyedInput().keyCoder(),
                node.keyedInput().valueCoder()));
      }
      for (SideInput side : node.sideInputs()) {
        BroadcastBuilder broadcast =
            consumer.broadcasts.computeIfAbsent(
                side.view().getTagInternal().getId(),
                tag -> {
                  int producer = producerOf(side.pcollection(), node.stepName());
                  String producerStage = stageOfRoot.get(find(producer));
                  String stream = streamName(consumerStage, "broadcast", streams.size());
                  streams.add(new StreamDef(stream, 1, true, producerStage, consumerStage));
                  stages
                      .get(producerStage)
                      .sinks
                      .add(new SinkSpec(side.pcollection(), stream, 1, null, side.coder()));
                  return new BroadcastBuilder(stream, taskCounts.get(producerStage), side);
                });
        broadcast.targets.add(nodeIndex[i]);
      }
    }

    List<StagePlan> plans = new ArrayList<>();
    stages.forEach(
        (id, s) -> {
          List<BroadcastInputSpec> broadcasts = new ArrayList<>();
          s.broadcasts
              .values()
              .forEach(
                  b ->
                      broadcasts.add(
                          new BroadcastInputSpec(
                              b.stream,
                              b.upstreamTasks,
                              b.side.view(),
                              b.targets,
                              b.side.coder())));
          plans.add(
              new StagePlan(
                  id, taskCounts.get(id), s.nodes, s.sources, s.keyed, broadcasts, s.sinks));
        });
    return new Result(plans, streams);
  }

  private String streamName(String consumerStage, String kind, int index) {
    return jobName + "-" + consumerStage + "-" + kind + "-" + index;
  }

  private static final class StageBuilder {
    final String id;
    final List<NodeSpec> nodes = new ArrayList<>();
    final List<SourceInputSpec> sources = new ArrayList<>();
    final List<KeyedInputSpec> keyed = new ArrayList<>();
    final Map<String, BroadcastBuilder> broadcasts = new LinkedHashMap<>();
    final List<SinkSpec> sinks = new ArrayList<>();
    final List<Integer> partitionCounts = new ArrayList<>();

    StageBuilder(String id) {
      this.id = id;
    }
  }

  private static final class BroadcastBuilder {
    final String stream;
    final int upstreamTasks;
    final SideInput side;
    final List<Integer> targets = new ArrayList<>();

    BroadcastBuilder(String stream, int upstreamTasks, SideInput side) {
      this.stream = stream;
      this.upstreamTasks = upstreamTasks;
      this.side = side;
    }
  }
}
