package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineOptions;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * TestStream pipelines on SamzaRunner at parallelism 4 (asking for 2 containers; a TestStream job
 * runs in one): the script's order of elements, watermarks and processing time is what the results
 * depend on, so each test fails if an event overtook the effects of the one before it.
 */
public class TestStreamPipelineTest implements java.io.Serializable {
  @Rule public final transient TestPipeline p = TestPipeline.fromOptions(options());

  private static SamzaPipelineOptions options() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(TestSamzaRunner.class);
    options.setParallelism(4);
    options.setContainers(2);
    // Only turns a hang into a failure; no test depends on speed.
    options.as(TestPipelineOptions.class).setTestTimeoutSeconds(60L);
    return options;
  }

  /** Elements before a watermark are on time; after it, late ones of the same window dropped. */
  @Test
  public void lateElementsAfterAWatermarkEventAreDropped() {
    IntervalWindow window = new IntervalWindow(new Instant(0), Duration.standardMinutes(1));
    PCollection<Long> sums =
        p.apply(
                TestStream.create(VarLongCoder.of())
                    .addElements(TimestampedValue.of(1L, new Instant(1)))
                    .addElements(TimestampedValue.of(2L, new Instant(2)))
                    .advanceWatermarkTo(new Instant(0).plus(Duration.standardMinutes(2)))
                    .addElements(TimestampedValue.of(100L, new Instant(3)))
                    .advanceWatermarkToInfinity())
            .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
            .apply(WithKeys.of("k"))
            .apply(Sum.longsPerKey())
            .apply(MapElements.into(TypeDescriptors.longs()).via(KV::getValue));
    PAssert.that(sums).inWindow(window).containsInAnyOrder(3L);
    p.run();
  }

  /**
   * A processing-time trigger fires once per processing-time advance, each time with what the
   * elements before that advance added: only if every element event was processed before the clock
   * moved do the early panes hold exactly these sums.
   */
  @Test
  public void processingTimeAdvancesFireEarlyPanesInScriptOrder() {
    PCollection<Long> sums =
        p.apply(
                TestStream.create(VarLongCoder.of())
                    .addElements(1L, 2L)
                    .advanceProcessingTime(Duration.standardMinutes(2))
                    .addElements(4L)
                    .advanceProcessingTime(Duration.standardMinutes(2))
                    .addElements(8L)
                    .advanceWatermarkToInfinity())
            .apply(
                Window.<Long>configure()
                    .triggering(
                        Repeatedly.forever(
                            AfterProcessingTime.pastFirstElementInPane()
                                .plusDelayOf(Duration.standardMinutes(1))))
                    .discardingFiredPanes()
                    .withAllowedLateness(Duration.ZERO))
            .apply(WithKeys.of("k"))
            .apply(Sum.longsPerKey())
            .apply(MapElements.into(TypeDescriptors.longs()).via(KV::getValue));
    PAssert.that(sums).inEarlyGlobalWindowPanes().containsInAnyOrder(3L, 4L);
    PAssert.that(sums).inFinalPane(GlobalWindow.INSTANCE).containsInAnyOrder(8L);
    p.run();
  }

  /**
   * The TestStream's output is also read after a GroupByKey in the same stage, then both meet in a
   * stateful ParDo: the ordering of the script must hold across stages.
   */
  @Test
  public void multiStagePipelineSeesEveryEventInOrder() {
    PCollection<String> input =
        p.apply(
            TestStream.create(StringUtf8Coder.of())
                .addElements("before")
                .advanceWatermarkTo(Instant.ofEpochSecond(0))
                .addElements(TimestampedValue.of("after", Instant.ofEpochSecond(10)))
                .advanceWatermarkToInfinity());
    PCollection<String> grouped =
        input
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(e -> KV.of(e, e)))
            .apply(GroupByKey.create())
            .apply(Keys.create())
            .apply("Upper", MapElements.into(TypeDescriptors.strings()).via(String::toUpperCase))
            .apply("Rewindow", Window.into(new GlobalWindows()));
    PCollection<String> result =
        PCollectionList.of(List.of(input, grouped))
            .apply(Flatten.pCollections())
            .apply(WithKeys.of("key"))
            .apply(ParDo.of(new ConcatFn()));
    PAssert.that(result).containsInAnyOrder("before,BEFORE,after,AFTER");
    p.run();
  }

  /** A TestStream with an unbounded source beside it cannot be made quiescent: run() says so. */
  @Test
  public void testStreamWithAnotherUnboundedSourceIsRejected() {
    Pipeline pipeline = Pipeline.create(options());
    pipeline.apply("Script", TestStream.create(VarLongCoder.of()).advanceWatermarkToInfinity());
    pipeline.apply("Ticks", GenerateSequence.from(0));
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, pipeline::run);
    assertThat(e.getMessage(), containsString("Script: a TestStream cannot run together"));
    assertThat(e.getMessage(), containsString("Ticks"));
    p.enableAbandonedNodeEnforcement(false);
  }

  /** Remembers every element of its key and emits them joined when the watermark reaches 100 s. */
  private static class ConcatFn extends DoFn<KV<String, String>, String> {
    @StateId("seen")
    private final StateSpec<ValueState<String>> seenSpec = StateSpecs.value(StringUtf8Coder.of());

    @TimerId("emit")
    private final TimerSpec emitSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        ProcessContext c, @StateId("seen") ValueState<String> seen, @TimerId("emit") Timer emit) {
      String before = seen.read();
      seen.write(before == null ? c.element().getValue() : before + "," + c.element().getValue());
      emit.set(Instant.ofEpochSecond(100));
    }

    @OnTimer("emit")
    public void onEmit(OnTimerContext c, @StateId("seen") ValueState<String> seen) {
      c.output(seen.read());
    }
  }
}
