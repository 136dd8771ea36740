package org.beamsamza.translation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.Source;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.translation.operators.OperatorFactory;
import org.beamsamza.translation.plan.ExternalInput;
import org.beamsamza.translation.plan.ExternalSystemSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.TestStreamSpec;

/**
 * What translators write into while the pipeline is walked: sources and operators (in topological
 * order) with the PCollections that join them. {@link StagePlanner} later cuts this graph into
 * stages at keyed exchanges and side inputs.
 */
public final class TranslationContext {
  /**
   * A source: its partitions, each a list of splits (bounded ones read one after the other, or
   * unbounded ones read together), of the given {@code kind}; a TestStream ({@code testStream} set)
   * has one partition that replays its script; an external stream ({@code external} set) has as
   * many partitions as its system has (no splits: the system's consumer reads them).
   */
  record SourceUnit(
      String stepName,
      String stream,
      List<? extends List<? extends Source<?>>> partitions,
      String output,
      SourceInputSpec.Kind kind,
      TestStreamSpec testStream,
      ExternalInput external) {
    /** Every PCollection this source produces (an external input may have several outputs). */
    List<String> outputs() {
      return external == null ? List.of(output) : external.outputs();
    }
  }

  /**
   * An operator. A keyed operator ({@code keyedInput != null}) reads its input through a
   * repartition stream and so starts a new stage; others fuse with the producers of their inputs.
   */
  record NodeUnit(
      String stepName,
      OperatorFactory factory,
      List<String> mainInputs,
      KeyedInput keyedInput,
      Map<TupleTag<?>, String> outputs,
      List<SideInput> sideInputs) {}

  /** A view read by an operator, with the PCollection whose elements make it up. */
  record SideInput(
      PCollectionView<?> view, String pcollection, Coder<? extends WindowedValue<?>> coder) {}

  public record KeyedInput(
      String pcollection, Coder<?> keyCoder, Coder<? extends WindowedValue<?>> valueCoder) {}

  private final Pipeline pipeline;
  private final PipelineOptions options;
  private final int parallelism;
  private final Map<PCollection<?>, String> ids = new IdentityHashMap<>();
  private final Map<String, String> aliases = new HashMap<>();
  private final List<Object> units = new ArrayList<>();
  private final List<String> unsupported = new ArrayList<>();
  private final Map<String, ExternalSystemSpec> externalSystems = new java.util.LinkedHashMap<>();
  private final Map<String, Set<String>> externalStreams = new HashMap<>();
  private PipelineGraph graph;
  private TransformHierarchy.Node currentNode;
  private int nextInternalId;

  private final MetricsContainerStepMap metrics;

  TranslationContext(
      Pipeline pipeline,
      PipelineOptions options,
      int parallelism,
      MetricsContainerStepMap metrics) {
    this.pipeline = pipeline;
    this.options = options;
    this.parallelism = parallelism;
    this.metrics = metrics;
  }

  /** The metrics container of the step being translated, for work done on its behalf now. */
  public MetricsContainer currentStepMetrics() {
    return metrics.getContainer(currentStepName());
  }

  public PipelineOptions options() {
    return options;
  }

  public int parallelism() {
    return parallelism;
  }

  void setCurrentNode(TransformHierarchy.Node node) {
    this.currentNode = node;
  }

  public String currentStepName() {
    return currentNode.getFullName();
  }

  public AppliedPTransform<?, ?, ?> currentApplication() {
    return currentNode.toAppliedPTransform(pipeline);
  }

  /** The stable id of a PCollection inside the plan. */
  public String idOf(PCollection<?> pc) {
    String id = ids.computeIfAbsent(pc, p -> "pc" + ids.size() + ":" + p.getName());
    return aliases.getOrDefault(id, id);
  }

  /** An id for a PCollection that exists only in the plan (e.g. combiner accumulators). */
  public String newInternalId(String name) {
    return "internal" + (nextInternalId++) + ":" + name;
  }

  /** Makes {@code output} another name of {@code input} (a transform that changes nothing). */
  public void alias(PCollection<?> output, PCollection<?> input) {
    aliases.put(idOf(output), idOf(input));
  }

  public void addSource(List<List<BoundedSource<?>>> partitions, PCollection<?> output) {
    addSourceUnit("source", partitions, output, SourceInputSpec.Kind.BOUNDED, null);
  }

  /** An unbounded source of the current step: one list of splits per partition. */
  public void addUnboundedSource(
      List<List<UnboundedSource<?, ?>>> partitions, PCollection<?> output) {
    addSourceUnit("source", partitions, output, SourceInputSpec.Kind.UNBOUNDED, null);
  }

  /** A TestStream of the current step: one partition that replays {@code spec}'s events. */
  public void addTestStream(TestStreamSpec spec, PCollection<?> output) {
    addSourceUnit("teststream", List.of(List.of()), output, SourceInputSpec.Kind.TEST_STREAM, spec);
  }

  private void addSourceUnit(
      String streamPrefix,
      List<? extends List<? extends Source<?>>> partitions,
      PCollection<?> output,
      SourceInputSpec.Kind kind,
      TestStreamSpec testStream) {
    String stream = streamPrefix + units.size();
    units.add(
        new SourceUnit(
            currentStepName(), stream, partitions, idOf(output), kind, testStream, null));
  }

  /**
   * A stream of an external system read by the current step: {@code stream} is its name on {@code
   * input.system()} (e.g. a Kafka topic), with {@code partitionCount} partitions; the stage that
   * reads it runs at least that many tasks. Several streams may share one {@code input}.
   */
  public void addExternalSource(String stream, int partitionCount, ExternalInput input) {
    List<List<Source<?>>> partitions = new ArrayList<>();
    for (int i = 0; i < partitionCount; i++) {
      partitions.add(List.of());
    }
    units.add(
        new SourceUnit(
            currentStepName(),
            stream,
            partitions,
            input.outputs().get(0),
            SourceInputSpec.Kind.EXTERNAL,
            null,
            input));
  }

  /**
   * The name of a system that serves external inputs with settings {@code spec}: an earlier system
   * with the same settings when none of its streams is among {@code streams} (one system, so one
   * consumer per container, per cluster and settings), else a new one named {@code namePrefix + n}.
   * A stream read twice gets a second system, so that each read has its own partitions (and
   * offsets).
   */
  public String externalSystem(
      String namePrefix, ExternalSystemSpec spec, java.util.Collection<String> streams) {
    for (Map.Entry<String, ExternalSystemSpec> e : externalSystems.entrySet()) {
      Set<String> used = externalStreams.get(e.getKey());
      if (e.getValue().equals(spec) && java.util.Collections.disjoint(used, streams)) {
        used.addAll(streams);
        return e.getKey();
      }
    }
    String name = namePrefix + externalSystems.size();
    externalSystems.put(name, spec);
    externalStreams.put(name, new HashSet<>(streams));
    return name;
  }

  Map<String, ExternalSystemSpec> externalSystems() {
    return externalSystems;
  }

  /**
   * PCollections produced inside the composite being translated that transforms outside it read
   * (e.g. a read's dead-letter output that an error handler outside flattens). A translator that
   * takes the composite whole must produce these too.
   */
  public List<PCollection<?>> escapingOutputs() {
    if (graph == null) {
      graph = new PipelineGraph(pipeline);
    }
    return graph.escapingOutputs(currentNode);
  }

  /** Producers and consumers of every PCollection, by the primitive transforms' nodes. */
  private static final class PipelineGraph {
    private final Map<PCollection<?>, TransformHierarchy.Node> producers = new IdentityHashMap<>();
    private final Map<PCollection<?>, List<TransformHierarchy.Node>> consumers =
        new IdentityHashMap<>();

    PipelineGraph(Pipeline pipeline) {
      pipeline.traverseTopologically(
          new Pipeline.PipelineVisitor.Defaults() {
            @Override
            public void visitPrimitiveTransform(TransformHierarchy.Node node) {
              node.getOutputs().values().forEach(pc -> producers.put((PCollection<?>) pc, node));
              node.getInputs()
                  .values()
                  .forEach(
                      pc ->
                          consumers
                              .computeIfAbsent((PCollection<?>) pc, k -> new ArrayList<>())
                              .add(node));
            }
          });
    }

    List<PCollection<?>> escapingOutputs(TransformHierarchy.Node composite) {
      List<PCollection<?>> out = new ArrayList<>();
      producers.forEach(
          (pc, producer) -> {
            if (!encloses(composite, producer) || composite.getOutputs().containsValue(pc)) {
              return;
            }
            for (TransformHierarchy.Node consumer : consumers.getOrDefault(pc, List.of())) {
              if (!encloses(composite, consumer)) {
                out.add(pc);
                return;
              }
            }
          });
      return out;
    }

    private static boolean encloses(TransformHierarchy.Node composite, TransformHierarchy.Node n) {
      for (TransformHierarchy.Node e = n; e != null; e = e.getEnclosingNode()) {
        if (e == composite) {
          return true;
        }
      }
      return false;
    }
  }

  public void addNode(
      OperatorFactory factory,
      List<String> mainInputs,
      Map<TupleTag<?>, String> outputs,
      List<PCollectionView<?>> sideInputs) {
    units.add(
        new NodeUnit(currentStepName(), factory, mainInputs, null, outputs, resolve(sideInputs)));
  }

  /** A keyed operator of the current step that also reads side inputs (e.g. a stateful ParDo). */
  public void addKeyedNode(
      OperatorFactory factory,
      KeyedInput input,
      Map<TupleTag<?>, String> outputs,
      List<PCollectionView<?>> sideInputs) {
    units.add(
        new NodeUnit(currentStepName(), factory, List.of(), input, outputs, resolve(sideInputs)));
  }

  private List<SideInput> resolve(List<PCollectionView<?>> sideInputs) {
    List<SideInput> resolved = new ArrayList<>();
    for (PCollectionView<?> view : sideInputs) {
      PCollection<?> pc = view.getPCollection();
      resolved.add(
          new SideInput(
              view,
              idOf(pc),
              org.apache.beam.sdk.values.WindowedValues.getFullCoder(
                  pc.getCoder(), pc.getWindowingStrategy().getWindowFn().windowCoder())));
    }
    return resolved;
  }

  public void addKeyedNode(
      String stepName,
      OperatorFactory factory,
      KeyedInput input,
      Map<TupleTag<?>, String> outputs) {
    units.add(new NodeUnit(stepName, factory, List.of(), input, outputs, List.of()));
  }

  /** A keyed exchange's input as a repartition stream carries it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public KeyedInput keyedInput(PCollection<?> input) {
    org.apache.beam.sdk.coders.KvCoder<?, ?> kv =
        (org.apache.beam.sdk.coders.KvCoder<?, ?>) input.getCoder();
    return new KeyedInput(
        idOf(input),
        kv.getKeyCoder(),
        (Coder)
            org.apache.beam.sdk.values.WindowedValues.getFullCoder(
                kv.getValueCoder(), input.getWindowingStrategy().getWindowFn().windowCoder()));
  }

  public void addNode(
      String stepName,
      OperatorFactory factory,
      List<String> mainInputs,
      Map<TupleTag<?>, String> outputs) {
    units.add(new NodeUnit(stepName, factory, mainInputs, null, outputs, List.of()));
  }

  /** Records a transform this runner cannot run; {@code run()} fails listing all of them. */
  public void unsupported(String reason) {
    unsupported.add(currentStepName() + ": " + reason);
  }

  List<Object> units() {
    return units;
  }

  List<String> unsupportedTransforms() {
    return unsupported;
  }
}
