package org.beamsamza.translation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.translation.plan.BroadcastInputSpec;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.KeyedInputSpec;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.SinkSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.plan.StreamDef;
import org.junit.Test;

/** How the planner cuts a translated pipeline into stages and streams. */
public class StagePlannerTest {
  private static final int PARALLELISM = 4;

  private static ExecutionPlan translate(Pipeline p) {
    PipelineTranslator.prepare(p);
    return PipelineTranslator.translate(p, p.getOptions(), PARALLELISM);
  }

  private static Pipeline pipeline() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setJobName("plan");
    options.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class);
    return Pipeline.create(options);
  }

  private static List<String> steps(StagePlan stage) {
    return stage.nodes().stream().map(NodeSpec::stepName).toList();
  }

  private static StagePlan stageWith(ExecutionPlan plan, String step) {
    List<StagePlan> found =
        plan.stages().stream()
            .filter(s -> steps(s).stream().anyMatch(n -> n.contains(step)))
            .toList();
    assertThat(step + " in " + plan.describe(), found, hasSize(1));
    return found.get(0);
  }

  private static PCollection<KV<String, Integer>> keyed(Pipeline p, String name) {
    return p.apply(name, Create.of(KV.of("a", 1), KV.of("b", 2), KV.of("a", 3)));
  }

  /** A DoFn with state: it must see every element of a key in one task. */
  static final class Stateful extends DoFn<KV<String, Integer>, KV<String, Integer>> {
    @StateId("n")
    private final StateSpec<ValueState<Integer>> n = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(ProcessContext c, @StateId("n") ValueState<Integer> n) {
      c.output(c.element());
    }
  }

  private static MapElements<KV<String, Iterable<Integer>>, KV<String, Integer>> firstOfGroup() {
    return MapElements.into(
            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
        .via(kv -> KV.of(kv.getKey(), kv.getValue().iterator().next()));
  }

  @Test
  public void everyKeyedExchangeStartsAStageFromARepartitionStreamOfParallelismPartitions() {
    Pipeline p = pipeline();
    keyed(p, "Input")
        .apply("Gbk", GroupByKey.create())
        .apply("First", firstOfGroup())
        .apply("SumPerKey", Sum.integersPerKey())
        .apply("Stateful", ParDo.of(new Stateful()))
        .apply("Reshuffle", Reshuffle.of())
        .apply("Format", MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey()));
    ExecutionPlan plan = translate(p);
    String describe = plan.describe();

    assertThat(describe, plan.stages(), hasSize(5));
    List<StreamDef> keyedStreams = plan.streams().stream().filter(s -> !s.broadcast()).toList();
    assertThat(describe, keyedStreams, hasSize(4));
    assertThat(describe, plan.streams(), hasSize(4));

    StagePlan source = plan.stages().get(0);
    assertThat(source.sourceInputs(), hasSize(1));
    assertTrue(source.keyedInputs().isEmpty());
    // Each exchange's receiving step is the first of a stage fed by exactly one keyed stream.
    for (String receiver : List.of("Gbk", "SumPerKey/MergeAccumulators", "Stateful", "Reshuffle")) {
      StagePlan stage = stageWith(plan, receiver);
      assertThat(describe, stage.keyedInputs(), hasSize(1));
      assertThat(stage.sourceInputs(), hasSize(0));
      KeyedInputSpec in = stage.keyedInputs().get(0);
      assertEquals(PARALLELISM, in.partitionCount());
      assertEquals(PARALLELISM, stage.taskCount());
      assertThat(steps(stage).get(in.targetNode()), containsString(receiver));
    }
    // The lifted combine's partial half is fused before the exchange, with the GroupByKey's stage.
    assertEquals(stageWith(plan, "First"), stageWith(plan, "SumPerKey/PartialCombine"));
    assertEquals(stageWith(plan, "Reshuffle"), stageWith(plan, "Format"));

    // Every keyed sink writes a stream that exactly one stage reads, with matching partitions and
    // upstream task counts.
    for (StreamDef stream : keyedStreams) {
      assertEquals(PARALLELISM, stream.partitionCount());
      StagePlan producer = plan.stage(stream.producerStage());
      StagePlan consumer = plan.stage(stream.consumerStage());
      SinkSpec sink =
          producer.sinks().stream()
              .filter(s -> s.stream().equals(stream.name()))
              .findFirst()
              .orElseThrow();
      assertTrue(sink.isKeyed());
      assertEquals(PARALLELISM, sink.partitionCount());
      KeyedInputSpec in =
          consumer.keyedInputs().stream()
              .filter(k -> k.stream().equals(stream.name()))
              .findFirst()
              .orElseThrow();
      assertEquals(producer.taskCount(), in.upstreamTaskCount());
    }
  }

  @Test
  public void aStatelessChainAfterAnExchangeFusesIntoItsStage() {
    Pipeline p = pipeline();
    keyed(p, "Input")
        .apply("Gbk", GroupByKey.create())
        .apply("First", firstOfGroup())
        .apply("Key", MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey()))
        .apply("Upper", MapElements.into(TypeDescriptors.strings()).via(s -> s.toUpperCase()));
    ExecutionPlan plan = translate(p);

    assertThat(plan.describe(), plan.stages(), hasSize(2));
    StagePlan second = stageWith(plan, "Gbk");
    assertEquals(second, stageWith(plan, "First"));
    assertEquals(second, stageWith(plan, "Key"));
    assertEquals(second, stageWith(plan, "Upper"));
    assertTrue(second.sinks().isEmpty());
    assertThat(plan.streams(), hasSize(1));
  }

  @Test
  public void aFlattenOfTwoStagesOutputsMergesThemIntoOneStage() {
    Pipeline p = pipeline();
    PCollection<KV<String, Integer>> left =
        keyed(p, "Left").apply("GbkLeft", GroupByKey.create()).apply("FirstLeft", firstOfGroup());
    PCollection<KV<String, Integer>> right =
        keyed(p, "Right")
            .apply("GbkRight", GroupByKey.create())
            .apply("FirstRight", firstOfGroup());
    PCollectionList.of(left)
        .and(right)
        .apply("Merge", Flatten.pCollections())
        .apply("After", MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey()));
    ExecutionPlan plan = translate(p);
    String describe = plan.describe();

    StagePlan merged = stageWith(plan, "Merge");
    assertEquals(merged, stageWith(plan, "GbkLeft"));
    assertEquals(merged, stageWith(plan, "GbkRight"));
    assertEquals(merged, stageWith(plan, "After"));
    assertThat(describe, merged.keyedInputs(), hasSize(2));
    Set<Integer> targets = new HashSet<>();
    merged.keyedInputs().forEach(k -> targets.add(k.targetNode()));
    assertEquals("each keyed stream feeds its own GroupByKey", 2, targets.size());
    assertEquals(PARALLELISM, merged.taskCount());
    assertThat(plan.streams(), hasSize(2));
  }

  /** Appends the side input's size. */
  static final class UseSide extends DoFn<String, String> {
    private final PCollectionView<List<Integer>> view;

    UseSide(PCollectionView<List<Integer>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + c.sideInput(view).size());
    }
  }

  @Test
  public void aSideInputIsOneBroadcastStreamPerConsumingStageFeedingEveryNodeThatReadsIt() {
    Pipeline p = pipeline();
    PCollectionView<List<Integer>> view =
        p.apply("Side", Create.of(1, 2).withCoder(VarIntCoder.of())).apply("AsList", View.asList());
    p.apply("Main", Create.of("x").withCoder(StringUtf8Coder.of()))
        .apply("Use1", ParDo.of(new UseSide(view)).withSideInputs(view))
        .apply("Use2", ParDo.of(new UseSide(view)).withSideInputs(view));
    ExecutionPlan plan = translate(p);
    String describe = plan.describe();

    StagePlan consumer = stageWith(plan, "Use1");
    assertEquals(consumer, stageWith(plan, "Use2"));
    assertThat(describe, consumer.broadcastInputs(), hasSize(1));
    BroadcastInputSpec broadcast = consumer.broadcastInputs().get(0);
    List<String> consumerSteps = steps(consumer);
    Set<String> targets = new HashSet<>();
    broadcast.targetNodes().forEach(i -> targets.add(consumerSteps.get(i)));
    assertThat(targets, hasSize(2));
    assertThat(targets, hasItem(containsString("Use1")));
    assertThat(targets, hasItem(containsString("Use2")));
    assertEquals(view.getTagInternal().getId(), broadcast.view().getTagInternal().getId());

    StreamDef stream =
        plan.streams().stream()
            .filter(s -> s.name().equals(broadcast.stream()))
            .findFirst()
            .orElseThrow();
    assertTrue(stream.broadcast());
    assertEquals(1, stream.partitionCount());
    StagePlan producer = plan.stage(stream.producerStage());
    assertFalse("the side input comes from another stage", producer.equals(consumer));
    assertEquals(producer.taskCount(), broadcast.upstreamTaskCount());
    SinkSpec sink =
        producer.sinks().stream()
            .filter(s -> s.stream().equals(stream.name()))
            .findFirst()
            .orElseThrow();
    assertFalse(sink.isKeyed());
    assertEquals(1, sink.partitionCount());
  }

  /** Outputs every offset of a range [0, element). */
  static final class CountTo extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(
        org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker<
                org.apache.beam.sdk.io.range.OffsetRange, Long>
            tracker,
        OutputReceiver<Integer> out) {
      for (long i = tracker.currentRestriction().getFrom(); tracker.tryClaim(i); i++) {
        out.output((int) i);
      }
    }

    @GetInitialRestriction
    public org.apache.beam.sdk.io.range.OffsetRange initial(@Element Integer element) {
      return new org.apache.beam.sdk.io.range.OffsetRange(0, element);
    }
  }

  @Test
  public void aSplittableParDoIsCutAtItsKeyedWorkItemExchangeLikeAStatefulParDo() {
    Pipeline p = pipeline();
    p.apply("Input", Create.of(3, 5))
        .apply("Sdf", ParDo.of(new CountTo()))
        .apply("After", MapElements.into(TypeDescriptors.strings()).via(i -> "n" + i));
    ExecutionPlan plan = translate(p);
    String describe = plan.describe();

    assertThat(describe, plan.stages(), hasSize(2));
    // Pairing with and splitting restrictions fuse with the input...
    StagePlan first = stageWith(plan, "PairWithRestriction");
    assertEquals(first, stageWith(plan, "SplitRestriction"));
    assertEquals(first, stageWith(plan, "Assign unique key"));
    assertThat(first.sourceInputs(), hasSize(1));
    // ...processing reads them by their unique keys from a repartition stream, and what follows
    // fuses with it.
    StagePlan process = stageWith(plan, "Sdf/ParMultiDo(CountTo)/ProcessKeyedElements");
    assertEquals(process, stageWith(plan, "After"));
    assertThat(describe, process.keyedInputs(), hasSize(1));
    KeyedInputSpec in = process.keyedInputs().get(0);
    assertThat(steps(process).get(in.targetNode()), containsString("ProcessKeyedElements"));
    assertEquals(PARALLELISM, in.partitionCount());
    assertThat(plan.streams(), hasSize(1));
    assertFalse(describe.contains("GBKIntoKeyedWorkItems"));
  }

  @Test
  public void readsArePrimitiveByDefaultAndSplittableWithTheUseSdfReadExperiment() {
    Pipeline primitive = pipeline();
    primitive.apply("Read", org.apache.beam.sdk.io.GenerateSequence.from(0).to(10));
    ExecutionPlan plan = translate(primitive);
    assertThat(plan.describe(), plan.sources().values(), hasSize(1));
    assertThat(plan.describe(), plan.streams(), hasSize(0));

    Pipeline sdf = pipeline();
    sdf.getOptions()
        .as(org.apache.beam.sdk.options.ExperimentalOptions.class)
        .setExperiments(List.of("use_sdf_read"));
    sdf.apply("Read", org.apache.beam.sdk.io.GenerateSequence.from(0).to(10));
    ExecutionPlan sdfPlan = translate(sdf);
    String describe = sdfPlan.describe();
    // An Impulse source, then the bounded-source SDF behind a keyed exchange.
    StagePlan process = stageWith(sdfPlan, "ProcessKeyedElements");
    assertThat(describe, process.keyedInputs(), hasSize(1));
    assertThat(describe, sdfPlan.stages(), hasSize(2));
  }
}
