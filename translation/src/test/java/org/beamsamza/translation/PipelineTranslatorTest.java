package org.beamsamza.translation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.translation.operators.GroupByKeyOperator;
import org.beamsamza.translation.operators.SortedGroupByKeyOperator;
import org.beamsamza.translation.operators.SortedStatefulDoFnOperator;
import org.beamsamza.translation.operators.StatefulDoFnOperator;
import org.beamsamza.translation.overrides.DedupingUnboundedRead;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.joda.time.Duration;
import org.junit.Test;

public class PipelineTranslatorTest {
  private static final int PARALLELISM = 3;

  private static ExecutionPlan translate(Pipeline p) {
    PipelineTranslator.prepare(p);
    return PipelineTranslator.translate(p, p.getOptions(), PARALLELISM);
  }

  private static Pipeline pipeline() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setJobName("test");
    options.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class);
    return Pipeline.create(options);
  }

  private static List<String> steps(StagePlan stage) {
    return stage.nodes().stream().map(NodeSpec::stepName).toList();
  }

  private static PCollection<KV<String, Long>> wordCount(Pipeline p) {
    return p.apply(Create.of("a b", "b c c"))
        .apply(
            "Split",
            FlatMapElements.into(TypeDescriptors.strings()).via(l -> Arrays.asList(l.split(" "))))
        .apply(Count.perElement());
  }

  @Test
  public void wordCountIsTwoStagesJoinedByOneRepartitionStream() {
    Pipeline p = pipeline();
    wordCount(p)
        .apply(
            "Format",
            MapElements.into(TypeDescriptors.strings())
                .via(kv -> kv.getKey() + ":" + kv.getValue()));
    ExecutionPlan plan = translate(p);

    assertThat(plan.describe(), plan.stages(), hasSize(2));
    assertThat(plan.streams(), hasSize(1));
    StagePlan first = plan.stages().get(0);
    StagePlan second = plan.stages().get(1);
    String stream = plan.streams().get(0).name();
    assertThat(first.sourceInputs(), hasSize(1));
    assertEquals(stream, first.sinks().get(0).stream());
    assertThat(first.sinks().get(0).isKeyed(), is(true));
    assertEquals(PARALLELISM, first.sinks().get(0).partitionCount());
    assertThat(second.keyedInputs(), hasSize(1));
    assertEquals(stream, second.keyedInputs().get(0).stream());
    assertThat(second.sourceInputs(), empty());
    assertThat(second.sinks(), empty());
    assertEquals(PARALLELISM, second.taskCount());
    // The upstream task count is the producer stage's, for end-of-stream accounting.
    assertEquals(first.taskCount(), second.keyedInputs().get(0).upstreamTaskCount());
  }

  @Test
  public void combinePerKeyIsLiftedIntoAPartialCombineBeforeTheExchange() {
    Pipeline p = pipeline();
    wordCount(p);
    ExecutionPlan plan = translate(p);

    List<String> before = steps(plan.stages().get(0));
    List<String> after = steps(plan.stages().get(1));
    assertThat(before, hasItem(containsString("Combine.perKey(Count)/PartialCombine")));
    assertThat(after, hasItem(containsString("Combine.perKey(Count)/MergeAccumulators")));
    for (StagePlan stage : plan.stages()) {
      assertThat(steps(stage), not(hasItem(containsString("GroupByKey"))));
    }
  }

  /** The operator factory of the one node whose step name contains {@code step}. */
  private static Object factoryOf(ExecutionPlan plan, String step) {
    List<Object> found =
        plan.stages().stream()
            .flatMap(s -> s.nodes().stream())
            .filter(n -> n.stepName().contains(step))
            .map(n -> (Object) n.factory())
            .toList();
    assertThat(step + " in " + plan.describe(), found, hasSize(1));
    return found.get(0);
  }

  @Test
  public void boundedGroupingsAreSortedUnboundedOnesAndTheOptionOutKeepTheStreamingPath() {
    Pipeline bounded = pipeline();
    wordCount(bounded);
    bounded
        .apply("Pairs", Create.of(KV.of("a", 1), KV.of("b", 2)))
        .apply("Group", GroupByKey.create());
    ExecutionPlan sorted = translate(bounded);
    assertThat(
        factoryOf(sorted, "Count)/MergeAccumulators"),
        instanceOf(SortedGroupByKeyOperator.Spec.class));
    assertThat(factoryOf(sorted, "Group"), instanceOf(SortedGroupByKeyOperator.Spec.class));

    Pipeline optedOut = pipeline();
    optedOut.getOptions().as(GroupingOptions.class).setSortedBatchGrouping(false);
    wordCount(optedOut);
    assertThat(
        factoryOf(translate(optedOut), "Count)/MergeAccumulators"),
        instanceOf(GroupByKeyOperator.Spec.class));

    Pipeline unbounded = pipeline();
    unbounded
        .apply(GenerateSequence.from(0))
        .apply(WithKeys.of("k"))
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
        .apply("Group", GroupByKey.create());
    assertThat(factoryOf(translate(unbounded), "Group"), instanceOf(GroupByKeyOperator.Spec.class));
  }

  /** A stateful DoFn that keeps a count per key. */
  static class CountPerKey extends DoFn<KV<String, Long>, Long> {
    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec = StateSpecs.value();

    @ProcessElement
    public void process(@StateId("count") ValueState<Long> count, OutputReceiver<Long> out) {
      Long c = count.read();
      count.write(c == null ? 1 : c + 1);
    }
  }

  @Test
  public void aBoundedStatefulParDoIsSortedOnlyWhenAskedAndNotWithASideInputOrUnboundedInput() {
    Pipeline byDefault = pipeline();
    byDefault.apply(Create.of(KV.of("a", 1L))).apply("Count", ParDo.of(new CountPerKey()));
    assertThat(
        factoryOf(translate(byDefault), "Count/"), instanceOf(StatefulDoFnOperator.Spec.class));

    Pipeline bounded = sortedStatefulPipeline();
    PCollection<KV<String, Long>> pairs =
        bounded.apply("Pairs", Create.of(KV.of("a", 1L), KV.of("b", 2L)));
    pairs.apply("Count", ParDo.of(new CountPerKey()));
    PCollectionView<Long> side = bounded.apply("Side", Create.of(1L)).apply(View.asSingleton());
    pairs.apply("CountWithSide", ParDo.of(new CountPerKey()).withSideInputs(side));
    ExecutionPlan plan = translate(bounded);
    assertThat(factoryOf(plan, "Count/"), instanceOf(SortedStatefulDoFnOperator.Spec.class));
    assertThat(factoryOf(plan, "CountWithSide"), instanceOf(StatefulDoFnOperator.Spec.class));

    Pipeline optedOut = sortedStatefulPipeline();
    optedOut.getOptions().as(GroupingOptions.class).setSortedBatchGrouping(false);
    optedOut.apply(Create.of(KV.of("a", 1L))).apply("Count", ParDo.of(new CountPerKey()));
    assertThat(
        factoryOf(translate(optedOut), "Count/"), instanceOf(StatefulDoFnOperator.Spec.class));

    Pipeline unbounded = sortedStatefulPipeline();
    unbounded
        .apply(GenerateSequence.from(0))
        .apply(WithKeys.of("a"))
        .apply("Count", ParDo.of(new CountPerKey()));
    assertThat(
        factoryOf(translate(unbounded), "Count/"), instanceOf(StatefulDoFnOperator.Spec.class));
  }

  private static Pipeline sortedStatefulPipeline() {
    Pipeline p = pipeline();
    p.getOptions().as(GroupingOptions.class).setSortedStatefulParDo(true);
    return p;
  }

  @Test
  public void overBoundedInputACombineWithATimeTriggerIsLiftedButNotOverUnboundedInput() {
    Window<KV<String, Long>> byTime =
        Window.<KV<String, Long>>into(new GlobalWindows())
            .triggering(
                Repeatedly.forever(
                    AfterProcessingTime.pastFirstElementInPane()
                        .plusDelayOf(Duration.standardSeconds(1))))
            .withAllowedLateness(Duration.ZERO)
            .discardingFiredPanes();
    Pipeline bounded = pipeline();
    bounded.apply(Create.of(KV.of("a", 1L), KV.of("a", 2L))).apply(byTime).apply(Sum.longsPerKey());
    assertThat(translate(bounded).describe(), containsString("PartialCombine"));

    Pipeline unbounded = pipeline();
    unbounded
        .apply(GenerateSequence.from(0))
        .apply(WithKeys.of("a"))
        .apply(byTime)
        .apply(Sum.longsPerKey());
    assertThat(translate(unbounded).describe(), not(containsString("PartialCombine")));
  }

  @Test
  public void overBoundedInputACombineInSessionsIsLiftedButNotOverUnboundedInput() {
    Window<KV<String, Long>> sessions =
        Window.into(Sessions.withGapDuration(Duration.standardSeconds(10)));
    Pipeline bounded = pipeline();
    bounded
        .apply(Create.of(KV.of("a", 1L), KV.of("a", 2L)))
        .apply(sessions)
        .apply("Sum", Sum.longsPerKey());
    assertThat(translate(bounded).describe(), containsString("Sum/PartialCombine"));

    Pipeline unbounded = pipeline();
    unbounded
        .apply(GenerateSequence.from(0))
        .apply(WithKeys.of("a"))
        .apply(sessions)
        .apply("Sum", Sum.longsPerKey());
    assertThat(
        "a late element's session could merge with an open one before the lateness check",
        translate(unbounded).describe(),
        not(containsString("PartialCombine")));
  }

  @Test
  public void combineWithACountTriggerIsNotLifted() {
    Pipeline p = pipeline();
    p.apply(Create.of(KV.of("a", 1L), KV.of("a", 2L)))
        .apply(
            Window.<KV<String, Long>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(2)))
                .discardingFiredPanes())
        .apply(Sum.longsPerKey());
    ExecutionPlan plan = translate(p);

    String all = plan.describe();
    assertThat(all, not(containsString("PartialCombine")));
    assertThat(all, containsString("GroupByKey"));
  }

  @Test
  public void aChainOfParDosFusesIntoOneStageWithoutStreams() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3))
        .apply("Double", MapElements.into(TypeDescriptors.integers()).via(x -> x * 2))
        .apply("Inc", MapElements.into(TypeDescriptors.integers()).via(x -> x + 1))
        .apply("Str", MapElements.into(TypeDescriptors.strings()).via(String::valueOf));
    ExecutionPlan plan = translate(p);

    assertThat(plan.stages(), hasSize(1));
    assertThat(plan.streams(), empty());
    assertThat(steps(plan.stages().get(0)), hasSize(3));
  }

  @Test
  public void aSideInputArrivesOnABroadcastStream() {
    Pipeline p = pipeline();
    PCollectionView<List<Integer>> view = p.apply("Side", Create.of(1, 2)).apply(View.asList());
    p.apply("Main", Create.of("x"))
        .apply("UseSide", ParDo.of(new AppendSide(view)).withSideInputs(view));
    ExecutionPlan plan = translate(p);

    assertThat(plan.streams().stream().filter(s -> s.broadcast()).toList(), hasSize(1));
    StagePlan consumer =
        plan.stages().stream()
            .filter(s -> !s.broadcastInputs().isEmpty())
            .findFirst()
            .orElseThrow();
    assertThat(steps(consumer), hasItem(containsString("UseSide")));
    assertEquals(
        1,
        plan.streams().stream()
            .filter(s -> s.broadcast())
            .findFirst()
            .orElseThrow()
            .partitionCount());
  }

  private static final class AppendSide extends DoFn<String, String> {
    private final PCollectionView<List<Integer>> view;

    AppendSide(PCollectionView<List<Integer>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + c.sideInput(view));
    }
  }

  /** A BundleFinalizer in @StartBundle: runners-core does not hand one there. */
  static final class FinalizesInStartBundle extends DoFn<KV<String, Integer>, Integer> {
    @StartBundle
    public void start(BundleFinalizer finalizer) {}

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element().getValue());
    }
  }

  @Test
  public void unsupportedTransformsFailNamingTheStep() {
    Pipeline p = pipeline();
    p.apply(Create.of(KV.of("k", 1)))
        .apply("MyFinalizingStep", ParDo.of(new FinalizesInStartBundle()));
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> translate(p));
    assertThat(e.getMessage(), containsString("MyFinalizingStep"));
    assertThat(e.getMessage(), containsString("BundleFinalizer in @StartBundle"));
  }

  @Test
  public void unboundedReadBecomesAnUnboundedSourceStreamWithOneSplitPerPartition() {
    Pipeline p = pipeline();
    p.apply("Ticks", org.apache.beam.sdk.io.GenerateSequence.from(0))
        .apply("Double", MapElements.into(TypeDescriptors.longs()).via((Long x) -> 2 * x));
    ExecutionPlan plan = translate(p);
    assertThat(plan.sources().keySet(), empty());
    assertEquals(1, plan.unboundedSources().size());
    org.beamsamza.translation.plan.UnboundedSourceSpec source =
        plan.unboundedSources().values().iterator().next();
    assertThat(source.stepName(), containsString("Ticks"));
    StagePlan stage = plan.stages().get(0);
    assertThat(stage.sourceInputs(), hasSize(1));
    assertEquals(SourceInputSpec.Kind.UNBOUNDED, stage.sourceInputs().get(0).kind());
    assertEquals(source.partitions().size(), stage.sourceInputs().get(0).partitionCount());
    for (List<org.apache.beam.sdk.io.UnboundedSource<?, ?>> partition : source.partitions()) {
      assertThat(partition, hasSize(1));
    }
    // A source that does not require deduping is read as it is: no ids, no exchange.
    assertThat(plan.describe(), plan.stages(), hasSize(1));
    assertThat(plan.streams(), empty());
    assertThat(
        source.partitions().get(0).get(0),
        not(instanceOf(DedupingUnboundedRead.RecordIdSource.class)));
  }

  /** Declares requiresDeduping(); never read (translation only). */
  private static final class DedupingSource
      extends org.apache.beam.sdk.io.UnboundedSource<
          String, org.apache.beam.sdk.io.UnboundedSource.CheckpointMark> {
    @Override
    public List<DedupingSource> split(int desiredNumSplits, PipelineOptions options) {
      return java.util.Collections.nCopies(desiredNumSplits, this);
    }

    @Override
    public UnboundedReader<String> createReader(PipelineOptions options, CheckpointMark mark) {
      throw new UnsupportedOperationException();
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<CheckpointMark> getCheckpointMarkCoder() {
      @SuppressWarnings({"unchecked", "rawtypes"})
      org.apache.beam.sdk.coders.Coder<CheckpointMark> coder =
          (org.apache.beam.sdk.coders.Coder)
              org.apache.beam.sdk.coders.SerializableCoder.of(java.io.Serializable.class);
      return coder;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<String> getOutputCoder() {
      return org.apache.beam.sdk.coders.StringUtf8Coder.of();
    }

    @Override
    public boolean requiresDeduping() {
      return true;
    }
  }

  @Test
  public void unboundedReadThatRequiresDedupingIsReadWithIdsThenDeduplicatedByIdAfterAnExchange() {
    Pipeline p = pipeline();
    p.apply("Queue", org.apache.beam.sdk.io.Read.from(new DedupingSource()))
        .apply(
            "Upper",
            MapElements.into(TypeDescriptors.strings()).via((String s) -> s.toUpperCase()));
    ExecutionPlan plan = translate(p);

    // The read emits the elements with their record ids: the source's splits, wrapped.
    assertEquals(1, plan.unboundedSources().size());
    org.beamsamza.translation.plan.UnboundedSourceSpec source =
        plan.unboundedSources().values().iterator().next();
    assertThat(source.stepName(), containsString("Queue/ReadWithIds"));
    assertEquals(PARALLELISM, source.partitions().size());
    for (List<org.apache.beam.sdk.io.UnboundedSource<?, ?>> partition : source.partitions()) {
      assertThat(partition, hasSize(1));
      assertThat(partition.get(0), instanceOf(DedupingUnboundedRead.RecordIdSource.class));
      assertThat(
          ((DedupingUnboundedRead.RecordIdSource<?, ?>) partition.get(0)).source(),
          instanceOf(DedupingSource.class));
    }
    // Then a keyed exchange by record id into the stateful Deduplicate, the ids stripped, and the
    // user's step after it, in the second stage.
    assertThat(plan.describe(), plan.stages(), hasSize(2));
    assertThat(plan.streams(), hasSize(1));
    StagePlan read = plan.stages().get(0);
    StagePlan dedupe = plan.stages().get(1);
    assertThat(read.sourceInputs(), hasSize(1));
    assertEquals(SourceInputSpec.Kind.UNBOUNDED, read.sourceInputs().get(0).kind());
    assertThat(read.sinks(), hasSize(1));
    assertThat(read.sinks().get(0).isKeyed(), is(true));
    assertThat(dedupe.keyedInputs(), hasSize(1));
    assertEquals(read.sinks().get(0).stream(), dedupe.keyedInputs().get(0).stream());
    List<String> after = steps(dedupe);
    assertThat(after, hasItem(containsString("Queue/Deduplicate")));
    assertThat(after, hasItem(containsString("Queue/StripIds")));
    assertThat(after, hasItem(containsString("Upper")));
    assertThat(steps(read), not(hasItem(containsString("Deduplicate/KeyedValues"))));
  }
}
