package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/** Pipelines of Beam's core transforms on SamzaRunner, at one task per stage and at four. */
@RunWith(Parameterized.class)
public class CoreTransformsTest implements java.io.Serializable {
  @Parameterized.Parameters(name = "parallelism={0}")
  public static Collection<Object[]> parallelism() {
    return List.of(new Object[] {1}, new Object[] {4});
  }

  private final transient int parallelism;

  /**
   * A TestPipeline: its run() also checks that every PAssert of the pipeline succeeded (its success
   * counter was reported), so a PAssert that never ran fails the test; and the rule fails a test
   * that builds a pipeline but never runs it.
   */
  @Rule public final transient TestPipeline testPipeline;

  public CoreTransformsTest(int parallelism) {
    this.parallelism = parallelism;
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(parallelism);
    options.setContainers(Math.min(parallelism, 2));
    this.testPipeline = TestPipeline.fromOptions(options);
  }

  private Pipeline pipeline() {
    return testPipeline;
  }

  @Test
  public void groupByKeyGroupsEveryValueOfAKey() {
    Pipeline p = pipeline();
    List<KV<Integer, Long>> input = new ArrayList<>();
    for (long i = 0; i < 1000; i++) {
      input.add(KV.of((int) (i % 7), i));
    }
    PCollection<KV<Integer, Long>> sums =
        p.apply(Create.of(input))
            .apply(GroupByKey.create())
            .apply(
                MapElements.via(
                    new SimpleFunction<KV<Integer, Iterable<Long>>, KV<Integer, Long>>() {
                      @Override
                      public KV<Integer, Long> apply(KV<Integer, Iterable<Long>> kv) {
                        long sum = 0;
                        for (long v : kv.getValue()) {
                          sum += v;
                        }
                        return KV.of(kv.getKey(), sum);
                      }
                    }));
    Map<Integer, Long> expected =
        input.stream()
            .collect(Collectors.groupingBy(KV::getKey, Collectors.summingLong(KV::getValue)));
    PAssert.that(sums)
        .containsInAnyOrder(
            expected.entrySet().stream().map(e -> KV.of(e.getKey(), e.getValue())).toList());
    p.run();
  }

  @Test
  public void fixedWindowsGroupPerWindowWithEndOfWindowTimestamps() {
    Pipeline p = pipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(
                Create.timestamped(
                    Arrays.asList("a", "a", "b", "a"),
                    Arrays.asList(1_000L, 59_000L, 61_000L, 125_000L)))
            .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
            .apply(Count.perElement());
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(0), Duration.standardMinutes(1)))
        .containsInAnyOrder(KV.of("a", 2L));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(60_000), Duration.standardMinutes(1)))
        .containsInAnyOrder(KV.of("b", 1L));
    PAssert.that(counts)
        .inWindow(new IntervalWindow(new Instant(120_000), Duration.standardMinutes(1)))
        .containsInAnyOrder(KV.of("a", 1L));
    p.run();
  }

  @Test
  public void sessionsMergeWindows() {
    Pipeline p = pipeline();
    PCollection<KV<String, Long>> sessions =
        p.apply(
                Create.timestamped(
                    Arrays.asList(KV.of("k", 1L), KV.of("k", 2L), KV.of("k", 3L), KV.of("j", 4L)),
                    Arrays.asList(0L, 5_000L, 60_000L, 0L)))
            .apply(Window.into(Sessions.withGapDuration(Duration.standardSeconds(10))))
            .apply(Sum.longsPerKey());
    PAssert.that(sessions).containsInAnyOrder(KV.of("k", 3L), KV.of("k", 3L), KV.of("j", 4L));
    p.run();
  }

  /**
   * Many short sessions per key, some merging, spread over the tasks: the lifted Combine merges a
   * key's sessions in each task's partial combine and again after the exchange. The expected
   * sessions, sums and timestamps are computed here by sorting each key's times.
   */
  @Test
  public void sessionSumsAndTimestampsForEveryTimestampCombiner() {
    Pipeline p = pipeline();
    long gapMillis = 10_000;
    java.util.Random random = new java.util.Random(42);
    List<KV<String, Long>> values = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      values.add(KV.of("k" + random.nextInt(20), (long) random.nextInt(100)));
      times.add((long) random.nextInt(3_000_000)); // about one per 20 s per key
    }
    PCollection<KV<String, Long>> input = p.apply(Create.timestamped(values, times));
    for (org.apache.beam.sdk.transforms.windowing.TimestampCombiner combiner :
        org.apache.beam.sdk.transforms.windowing.TimestampCombiner.values()) {
      PCollection<String> sessions =
          input
              .apply(
                  "Sessions " + combiner,
                  Window.<KV<String, Long>>into(
                          Sessions.withGapDuration(Duration.millis(gapMillis)))
                      .withTimestampCombiner(combiner))
              .apply("Sum " + combiner, Sum.longsPerKey())
              .apply("Describe " + combiner, ParDo.of(new DescribeSession()));
      PAssert.that(sessions)
          .containsInAnyOrder(expectedSessions(values, times, gapMillis, combiner));
    }
    p.run();
  }

  private static final class DescribeSession extends DoFn<KV<String, Long>, String> {
    @ProcessElement
    public void process(
        ProcessContext c, org.apache.beam.sdk.transforms.windowing.BoundedWindow w) {
      IntervalWindow session = (IntervalWindow) w;
      c.output(
          describe(
              c.element().getKey(),
              session.start().getMillis(),
              session.end().getMillis(),
              c.element().getValue(),
              c.timestamp().getMillis()));
    }
  }

  private static String describe(String key, long start, long end, long sum, long timestamp) {
    return key + "[" + start + "," + end + ")=" + sum + "@" + timestamp;
  }

  /** Sessions by hand: a key's times sorted, a new session wherever the gap is reached. */
  private static List<String> expectedSessions(
      List<KV<String, Long>> values,
      List<Long> times,
      long gapMillis,
      org.apache.beam.sdk.transforms.windowing.TimestampCombiner combiner) {
    Map<String, List<long[]>> byKey = new java.util.TreeMap<>();
    for (int i = 0; i < values.size(); i++) {
      byKey
          .computeIfAbsent(values.get(i).getKey(), k -> new ArrayList<>())
          .add(new long[] {times.get(i), values.get(i).getValue()});
    }
    List<String> expected = new ArrayList<>();
    for (Map.Entry<String, List<long[]>> e : byKey.entrySet()) {
      List<long[]> events = e.getValue();
      events.sort(java.util.Comparator.comparingLong(t -> t[0]));
      int first = 0;
      for (int i = 1; i <= events.size(); i++) {
        if (i == events.size() || events.get(i)[0] >= events.get(i - 1)[0] + gapMillis) {
          long start = events.get(first)[0];
          long last = events.get(i - 1)[0];
          long end = last + gapMillis;
          long sum = 0;
          for (int j = first; j < i; j++) {
            sum += events.get(j)[1];
          }
          long timestamp =
              switch (combiner) {
                case EARLIEST -> start;
                case LATEST -> last;
                case END_OF_WINDOW -> end - 1;
              };
          expected.add(describe(e.getKey(), start, end, sum, timestamp));
          first = i;
        }
      }
    }
    return expected;
  }

  @Test
  public void sideInputsSeeTheWholeViewInEveryTask() {
    Pipeline p = pipeline();
    PCollectionView<Long> total =
        p.apply("Numbers", Create.of(1L, 2L, 3L, 4L)).apply(Sum.longsGlobally().asSingletonView());
    PCollectionView<List<String>> names =
        p.apply("Names", Create.of("x", "y")).apply(View.asList());
    PCollection<String> out =
        p.apply("Main", Create.of(IntStream.range(0, 20).boxed().toList()))
            .apply(ParDo.of(new UseSideInputs(total, names)).withSideInputs(total, names));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add(i + ":10:2");
    }
    PAssert.that(out).containsInAnyOrder(expected);
    p.run();
  }

  private static final class UseSideInputs extends DoFn<Integer, String> {
    private final PCollectionView<Long> total;
    private final PCollectionView<List<String>> names;

    UseSideInputs(PCollectionView<Long> total, PCollectionView<List<String>> names) {
      this.total = total;
      this.names = names;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + ":" + c.sideInput(total) + ":" + c.sideInput(names).size());
    }
  }

  @Test
  public void flattenMergesBranchesAndAnEmptyFlattenIsEmpty() {
    Pipeline p = pipeline();
    PCollection<String> a = p.apply("A", Create.of("a1", "a2"));
    PCollection<String> b =
        p.apply("B", Create.of(KV.of("b", "b1")))
            .apply(GroupByKey.create())
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(kv -> kv.getValue().iterator().next()));
    PCollection<String> merged = PCollectionList.of(a).and(b).and(a).apply(Flatten.pCollections());
    PAssert.that(merged).containsInAnyOrder("a1", "a2", "a1", "a2", "b1");
    PCollection<String> empty =
        PCollectionList.<String>empty(p)
            .apply("Empty", Flatten.pCollections())
            .setCoder(StringUtf8Coder.of());
    PAssert.that(empty).empty();
    p.run();
  }

  @Test
  public void anEmptyFlattenAsSideInputIsEmpty() {
    Pipeline p = pipeline();
    PCollectionView<Iterable<String>> view =
        PCollectionList.<String>empty(p)
            .apply(Flatten.pCollections())
            .setCoder(StringUtf8Coder.of())
            .apply(View.asIterable());
    PCollection<String> out =
        p.apply(Create.of("main")).apply(ParDo.of(new AppendAll(view)).withSideInputs(view));
    PAssert.that(out).containsInAnyOrder("main");
    PCollection<String> none =
        p.apply("Void", Create.of((Void) null).withCoder(org.apache.beam.sdk.coders.VoidCoder.of()))
            .apply(ParDo.of(new EmitSide(view)).withSideInputs(view));
    PAssert.that(none).empty();
    p.run();
  }

  private static final class EmitSide extends DoFn<Void, String> {
    private final PCollectionView<Iterable<String>> view;

    EmitSide(PCollectionView<Iterable<String>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      for (String s : c.sideInput(view)) {
        c.output(s);
      }
    }
  }

  private static final class AppendAll extends DoFn<String, String> {
    private final PCollectionView<Iterable<String>> view;

    AppendAll(PCollectionView<Iterable<String>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      StringBuilder sb = new StringBuilder(c.element());
      for (String s : c.sideInput(view)) {
        sb.append(s);
      }
      c.output(sb.toString());
    }
  }

  @Test
  public void multipleOutputsGoToTheirOwnPCollections() {
    Pipeline p = pipeline();
    TupleTag<Integer> even = new TupleTag<>() {};
    TupleTag<String> odd = new TupleTag<>() {};
    PCollectionTuple outs =
        p.apply(Create.of(1, 2, 3, 4, 5))
            .apply(
                ParDo.of(new SplitEvenOdd(even, odd)).withOutputTags(even, TupleTagList.of(odd)));
    PAssert.that(outs.get(even)).containsInAnyOrder(2, 4);
    PAssert.that(outs.get(odd)).containsInAnyOrder("1", "3", "5");
    p.run();
  }

  private static final class SplitEvenOdd extends DoFn<Integer, Integer> {
    private final TupleTag<Integer> even;
    private final TupleTag<String> odd;

    SplitEvenOdd(TupleTag<Integer> even, TupleTag<String> odd) {
      this.even = even;
      this.odd = odd;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (c.element() % 2 == 0) {
        c.output(even, c.element());
      } else {
        c.output(odd, String.valueOf(c.element()));
      }
    }
  }

  @Test
  public void reshuffleKeepsEveryElementAndItsTimestamp() {
    Pipeline p = pipeline();
    PCollection<Long> out =
        p.apply(Create.of(fromStream(LongStream.range(0, 500))))
            .apply(WithTimestamps.of((Long x) -> new Instant(x * 1000)))
            .apply(Reshuffle.viaRandomKey())
            .apply(ParDo.of(new CheckTimestamp()));
    PAssert.that(out).containsInAnyOrder(LongStream.range(0, 500).boxed().toList());
    p.run();
  }

  private static final class LongStream {
    static java.util.stream.LongStream range(long a, long b) {
      return java.util.stream.LongStream.range(a, b);
    }
  }

  private static Iterable<Long> fromStream(java.util.stream.LongStream s) {
    return s.boxed().toList();
  }

  private static final class CheckTimestamp extends DoFn<Long, Long> {
    @ProcessElement
    public void process(ProcessContext c) {
      if (!c.timestamp().equals(new Instant(c.element() * 1000))) {
        throw new IllegalStateException("timestamp lost for " + c.element() + ": " + c.timestamp());
      }
      c.output(c.element());
    }
  }

  @Test
  public void combineGloballyOfNothingIsTheDefault() {
    Pipeline p = pipeline();
    PCollection<Long> sum =
        p.apply(Create.empty(VarLongCoder.of())).apply(Combine.globally(Sum.ofLongs()));
    PAssert.thatSingleton(sum).isEqualTo(0L);
    p.run();
  }

  @Test
  public void aFailingDoFnFailsTheRunWithItsOwnException() {
    Pipeline p = pipeline();
    p.apply(Create.of(1, 2, 3)).apply(ParDo.of(new FailOn(2)));
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, p::run);
    assertThat(e.getCause(), instanceOf(IllegalArgumentException.class));
    assertEquals("bad element 2", e.getCause().getMessage());
  }

  private static final class FailOn extends DoFn<Integer, Integer> {
    private final int bad;

    FailOn(int bad) {
      this.bad = bad;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (c.element() == bad) {
        throw new IllegalArgumentException("bad element " + bad);
      }
      c.output(c.element());
    }
  }

  @Test
  public void countersAreReportedInMetrics() {
    Pipeline p = pipeline();
    p.apply(Create.of(IntStream.range(0, 123).boxed().toList()))
        .apply("Counting", ParDo.of(new CountIt()));
    PipelineResult result = p.run();
    assertThat(result.getState(), is(PipelineResult.State.DONE));
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("test", "seen"))
                    .build())
            .getCounters()) {
      total += counter.getAttempted();
    }
    assertEquals(123L, total);
  }

  @Test
  public void sourceMetricsAreReportedUnderTheReadStep() {
    Pipeline p = pipeline();
    p.apply("Numbers", org.apache.beam.sdk.io.GenerateSequence.from(0).to(1000));
    PipelineResult result = p.run();
    long read = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("source", "elements_read"))
                    .build())
            .getCounters()) {
      assertThat(counter.getKey().stepName(), org.hamcrest.Matchers.startsWith("Numbers"));
      read += counter.getAttempted();
    }
    // CountingSource counts every element after the first of each split.
    assertThat(read, org.hamcrest.Matchers.greaterThanOrEqualTo(1000L - parallelism));
    assertThat(read, org.hamcrest.Matchers.lessThanOrEqualTo(1000L));
  }

  private static final class CountIt extends DoFn<Integer, Integer> {
    private final org.apache.beam.sdk.metrics.Counter seen = Metrics.counter("test", "seen");

    @ProcessElement
    public void process(ProcessContext c) {
      seen.inc();
    }
  }
}
