package org.beamsamza.translation.task;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.translation.GroupingOptions;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.streams.ControlMessage;
import org.beamsamza.translation.streams.StreamRecords;
import org.beamsamza.translation.streams.UndecodableRecordException;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Before;
import org.junit.Test;

/**
 * {@link StageTask} driven through fakes of the runtime's task API ({@link StageTaskHarness}): one
 * task of one stage of a really translated pipeline, fed envelopes as its systems would deliver
 * them, its output streams and coordinator requests recorded.
 */
public class StageTaskTest {
  private static final int PARALLELISM = 2;
  private static final IntervalWindow W0 = new IntervalWindow(new Instant(0), new Instant(10));
  private static final IntervalWindow W1 = new IntervalWindow(new Instant(10), new Instant(20));

  private static Pipeline pipeline() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setJobName("stagetask");
    options.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class);
    // These tests drive the streaming path's watermarks and triggers through bounded fixtures
    // (Create); the sorted batch path has its own tests (SortedGroupByKeyOperatorTest).
    options.as(GroupingOptions.class).setSortedBatchGrouping(false);
    return Pipeline.create(options);
  }

  private static MapElements<KV<String, Iterable<Integer>>, KV<String, Integer>> sumPerGroup() {
    return MapElements.into(
            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
        .via(
            kv -> {
              int sum = 0;
              for (int v : kv.getValue()) {
                sum += v;
              }
              return KV.of(kv.getKey(), sum);
            });
  }

  /**
   * Input -> window -> Gbk -> Sum -> Gbk2: the stage of "Gbk" reads a keyed stream written by the
   * two tasks of the source stage and writes the sums to Gbk2's keyed stream.
   */
  private static StagePlan gbkStage(Window<KV<String, Integer>> window) {
    return gbkStage(window, false);
  }

  private static StagePlan gbkStage(Window<KV<String, Integer>> window, boolean sorted) {
    Pipeline p = pipeline();
    p.getOptions().as(GroupingOptions.class).setSortedBatchGrouping(sorted);
    p.apply("Input", Create.of(KV.of("a", 1), KV.of("b", 2), KV.of("c", 3), KV.of("d", 4)))
        .apply(window)
        .apply("Gbk", GroupByKey.create())
        .apply("Sum", sumPerGroup())
        .apply("Gbk2", GroupByKey.create());
    ExecutionPlan plan = StageTaskHarness.translate(p, PARALLELISM);
    StagePlan stage = StageTaskHarness.stageWith(plan, "Gbk");
    assertThat(plan.describe(), stage.keyedInputs(), hasSize(1));
    assertEquals(plan.describe(), 2, stage.keyedInputs().get(0).upstreamTaskCount());
    assertThat(plan.describe(), stage.sinks(), hasSize(1));
    return stage;
  }

  private static StagePlan fixedWindowGbkStage() {
    return gbkStage(Window.into(FixedWindows.of(Duration.millis(10))));
  }

  private static WindowedValue<Integer> inW0(int value, long timestamp) {
    return WindowedValues.of(value, new Instant(timestamp), W0, PaneInfo.NO_FIRING);
  }

  private static String in(StageTaskHarness h) {
    return h.stage().keyedInputs().get(0).stream();
  }

  private static String out(StageTaskHarness h) {
    return h.stage().sinks().get(0).stream();
  }

  /** The (key, value) pairs of data records written to {@code stream}. */
  private static List<KV<Object, Object>> kvsOut(StageTaskHarness h, String stream) {
    List<KV<Object, Object>> kvs = new ArrayList<>();
    for (WindowedValue<Object> v : h.dataOut(stream)) {
      @SuppressWarnings("unchecked")
      KV<Object, Object> kv = (KV<Object, Object>) v.getValue();
      kvs.add(kv);
    }
    return kvs;
  }

  private static ControlMessage wm(int producer, long millis) {
    return new ControlMessage.Watermark(producer, millis);
  }

  /** The watermarks written to one output partition, checked to be this task's and increasing. */
  private static List<Long> watermarksOut(StageTaskHarness h, String stream, int partition) {
    List<Long> millis = new ArrayList<>();
    for (ControlMessage c : h.controlsOut(stream, partition)) {
      assertEquals("producer of " + c, h.context().getTaskModel().getTaskIndex(), c.producer());
      if (c instanceof ControlMessage.Watermark w) {
        millis.add(w.millis());
      }
    }
    for (int i = 1; i < millis.size(); i++) {
      assertThat(
          "watermarks on partition " + partition + ": " + millis,
          millis.get(i),
          greaterThan(millis.get(i - 1)));
    }
    return millis;
  }

  // --- 1. keyed stage: output and output watermark follow the minimum over producers ---

  @Test
  public void keyedStageFiresAWindowOnlyOnceEveryProducersWatermarkPassedItsEnd() throws Exception {
    try (StageTaskHarness h = StageTaskHarness.open(fixedWindowGbkStage(), 1, 1000)) {
      String in = in(h);
      String out = out(h);
      h.process(h.keyedData(in, "a", inW0(1, 1)));
      h.process(h.keyedData(in, "b", inW0(2, 2)));
      h.process(h.keyedData(in, "a", inW0(3, 5)));

      // Producer 0 is past the window, producer 1 has said nothing: nothing may fire or advance.
      h.process(h.streamControl(in, wm(0, 20)));
      assertThat(h.dataOut(out), empty());
      assertThat(h.controlsOut(out, 0), empty());
      assertThat(h.controlsOut(out, 1), empty());

      // Producer 1 at 5: the task's input watermark is min(20, 5) = 5; the window is still open,
      // and the elements' holds (at the window's end, 9) do not hold back 5.
      h.process(h.streamControl(in, wm(1, 5)));
      assertThat(h.dataOut(out), empty());
      assertThat("watermarks wait for the window tick", h.controlsOut(out, 0), empty());
      h.window();
      for (int p = 0; p < 2; p++) {
        assertEquals(List.of(5L), watermarksOut(h, out, p));
      }

      // Producer 0 going back is ignored; producer 1 still inside the window fires nothing.
      h.process(h.streamControl(in, wm(0, 12)));
      h.process(h.streamControl(in, wm(1, 8)));
      assertThat(h.dataOut(out), empty());
      h.window();
      h.prepareCommit();
      assertThat(h.dataOut(out), empty());

      // Producer 1 past the window's end: the window fires with both producers' elements.
      h.process(h.streamControl(in, wm(1, 15)));
      assertThat(kvsOut(h, out), containsInAnyOrder(KV.of("a", 4), KV.of("b", 2)));
      h.window();
      for (WindowedValue<Object> v : h.dataOut(out)) {
        assertEquals(W0.maxTimestamp(), v.getTimestamp());
        assertEquals(List.of(W0), List.copyOf(v.getWindows()));
      }
      for (int p = 0; p < 2; p++) {
        List<Long> wms = watermarksOut(h, out, p);
        // Never beyond the minimum over producers (15), never going back, and at 15 in the end.
        assertThat(wms, everyItem(lessThan(16L)));
        assertEquals(Long.valueOf(15), wms.get(wms.size() - 1));
      }
      // Each output record is written before any watermark past its timestamp on its partition.
      List<OutgoingMessageEnvelope> sent = h.collector().sent();
      for (int i = 0; i < sent.size(); i++) {
        if (StageTaskHarness.isData(sent.get(i))) {
          for (int j = 0; j < i; j++) {
            if (!StageTaskHarness.isData(sent.get(j))
                && sent.get(j).getPartition() == sent.get(i).getPartition()) {
              ControlMessage c = StreamRecords.decodeControl((byte[]) sent.get(j).getMessage());
              assertThat(((ControlMessage.Watermark) c).millis(), lessThan(10L));
            }
          }
        }
      }
      assertThat(h.coordinator().shutdowns(), empty());
    }
  }

  @Test
  public void reportsStepCountsAndTheTasksWatermarksInItsRegistry() throws Exception {
    try (StageTaskHarness h = StageTaskHarness.open(fixedWindowGbkStage(), 1, 1000)) {
      String in = in(h);
      String out = out(h);
      String step = h.stage().nodes().get(h.stage().keyedInputs().get(0).targetNode()).stepName();
      h.process(h.keyedData(in, "a", inW0(1, 1)));
      h.process(h.keyedData(in, "b", inW0(2, 2)));
      h.process(h.keyedData(in, "a", inW0(3, 5)));
      h.process(h.streamControl(in, wm(0, 20)));
      h.process(h.streamControl(in, wm(1, 15)));
      h.window();
      assertEquals(2, kvsOut(h, out).size());

      Map<String, Object> steps = h.metrics().get("step");
      assertEquals(3L, steps.get(step + ":elements-in"));
      assertEquals(2L, steps.get(step + ":elements-out"));
      assertEquals("one bundle, finished by the window tick", 1L, steps.get(step + ":bundles"));
      assertEquals(15L, steps.get(step + ":input-watermark"));
      Map<String, Object> stage = h.metrics().get("stage");
      assertEquals(15L, stage.get("input-watermark"));
      assertEquals(15L, stage.get("output-watermark"));
    }
  }

  @Test
  public void aWatermarkAtTheWindowsLastInstantDoesNotLoseTheWindow() throws Exception {
    try (StageTaskHarness h = StageTaskHarness.open(fixedWindowGbkStage(), 1, 1000)) {
      String in = in(h);
      String out = out(h);
      h.process(h.keyedData(in, "a", inW0(1, 1)));
      h.process(h.streamControl(in, wm(0, 20)));
      h.process(h.streamControl(in, wm(1, 9)));
      assertThat(h.dataOut(out), empty());
      h.process(h.streamControl(in, wm(1, 15)));
      assertEquals(List.of(KV.of("a", 1)), kvsOut(h, out));
      h.window();
      assertEquals(
          Long.valueOf(15), watermarksOut(h, out, 0).get(watermarksOut(h, out, 0).size() - 1));
    }
  }

  @Test
  public void watermarksAreCoalescedUntilTheWindowTickOrCommitButEndOfStreamIsNot()
      throws Exception {
    try (StageTaskHarness h = StageTaskHarness.open(fixedWindowGbkStage(), 0, 1000)) {
      String in = in(h);
      String out = out(h);
      for (long t = 1; t <= 5; t++) {
        h.process(h.streamControl(in, wm(0, t)));
        h.process(h.streamControl(in, wm(1, t)));
      }
      assertThat("five advances, nothing sent yet", h.controlsOut(out, 0), empty());
      h.window();
      for (int p = 0; p < 2; p++) {
        assertEquals(
            "one control message per tick: the latest", List.of(5L), watermarksOut(h, out, p));
      }
      h.window();
      assertEquals("no advance, nothing sent", List.of(5L), watermarksOut(h, out, 0));
      h.process(h.streamControl(in, wm(0, 7)));
      h.process(h.streamControl(in, wm(1, 7)));
      h.prepareCommit();
      assertEquals("a commit sends it too", List.of(5L, 7L), watermarksOut(h, out, 0));
      h.process(h.streamControl(in, wm(0, 8)));
      h.process(h.streamControl(in, wm(1, 8)));
      h.process(h.streamControl(in, new ControlMessage.EndOfStream(0)));
      h.process(h.streamControl(in, new ControlMessage.EndOfStream(1)));
      for (int p = 0; p < 2; p++) {
        List<ControlMessage> controls = h.controlsOut(out, p);
        assertEquals(
            "end of stream at once, no tick needed",
            new ControlMessage.EndOfStream(0),
            controls.get(controls.size() - 1));
      }
    }
  }

  // --- 2. end of stream ---

  @Test
  public void theSortedPathGroupsEveryKeyOnceAtTheEndOfInputAndHoldsTheWatermarkUntilThen()
      throws Exception {
    StagePlan stage = gbkStage(Window.into(FixedWindows.of(Duration.millis(10))), true);
    try (StageTaskHarness h = StageTaskHarness.open(stage, 1, 1000)) {
      String in = in(h);
      String out = out(h);
      h.process(h.keyedData(in, "a", inW0(1, 1)));
      h.process(h.keyedData(in, "b", inW0(2, 2)));
      h.process(h.keyedData(in, "a", inW0(3, 5)));
      // Past the window on both producers: the streaming path would fire it; the sorted one
      // waits for the end of input and holds its output watermark.
      h.process(h.streamControl(in, wm(0, 20)));
      h.process(h.streamControl(in, wm(1, 20)));
      h.window();
      h.prepareCommit();
      assertThat(h.dataOut(out), empty());
      assertThat(watermarksOut(h, out, 0), empty());

      h.process(h.streamControl(in, new ControlMessage.EndOfStream(0)));
      h.process(h.streamControl(in, new ControlMessage.EndOfStream(1)));
      assertThat(kvsOut(h, out), containsInAnyOrder(KV.of("a", 4), KV.of("b", 2)));
      for (int p = 0; p < 2; p++) {
        List<ControlMessage> controls = h.controlsOut(out, p);
        assertEquals(new ControlMessage.EndOfStream(1), controls.get(controls.size() - 1));
      }
    }
  }

  @Test
  public void shutsDownOnlyAfterEveryProducerEndedAndAfterWritingEndOfStreamEverywhere()
      throws Exception {
    try (StageTaskHarness h = StageTaskHarness.open(fixedWindowGbkStage(), 0, 1000)) {
      String in = in(h);
      String out = out(h);
      h.process(h.keyedData(in, "a", inW0(1, 1)));
      h.process(h.streamControl(in, new ControlMessage.EndOfStream(0)));
      h.window();
      h.prepareCommit();
      assertThat(h.coordinator().shutdowns(), empty());
      assertThat(h.dataOut(out), empty());
      assertThat(h.controlsOut(out, 0), empty());

      h.process(h.streamControl(in, new ControlMessage.EndOfStream(1)));
      assertEquals(
          List.of(
              new RecordingTaskCoordinator.Request(
                  "shutdown", TaskCoordinator.RequestScope.CURRENT_TASK)),
          h.coordinator().shutdowns());
      assertThat(kvsOut(h, out), containsInAnyOrder(KV.of("a", 1)));
      // The shutdown request is the last thing the task did; before it, the data and then an
      // end-of-stream from this task (0) on every output partition, and nothing after that.
      List<Object> log = h.log();
      assertThat(log.get(log.size() - 1), instanceOf(RecordingTaskCoordinator.Request.class));
      for (int p = 0; p < 2; p++) {
        List<ControlMessage> controls = h.controlsOut(out, p);
        assertEquals(new ControlMessage.EndOfStream(0), controls.get(controls.size() - 1));
        List<OutgoingMessageEnvelope> onP = h.collector().sent(out, p);
        OutgoingMessageEnvelope last = onP.get(onP.size() - 1);
        assertEquals(
            new ControlMessage.EndOfStream(0),
            StreamRecords.decodeControl((byte[]) last.getMessage()));
      }
      // Finished is final: later calls neither shut down again nor write anything.
      int sent = h.collector().sent().size();
      h.window();
      h.prepareCommit();
      assertThat(h.coordinator().shutdowns(), hasSize(1));
      assertEquals(sent, h.collector().sent().size());
    }
  }

  // --- 3. processing time ---

  @Test
  public void windowTickFiresAProcessingTimeTriggerOnceTheClockPassedItsDelay() throws Exception {
    StagePlan stage =
        gbkStage(
            Window.<KV<String, Integer>>into(new GlobalWindows())
                .triggering(
                    Repeatedly.forever(
                        AfterProcessingTime.pastFirstElementInPane()
                            .plusDelayOf(Duration.standardMinutes(1))))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes());
    try (StageTaskHarness h = StageTaskHarness.open(stage, 0, 1000)) {
      String in = in(h);
      String out = out(h);
      h.process(
          h.keyedData(in, "a", WindowedValues.timestampedValueInGlobalWindow(1, new Instant(1))));
      h.window();
      h.advanceProcessingTime(Duration.standardSeconds(59));
      h.window();
      h.prepareCommit();
      assertThat(h.dataOut(out), empty());

      // Past the delay (runners-core's trigger fires once processing time is after it).
      h.advanceProcessingTime(Duration.standardSeconds(2));
      h.process(
          h.keyedData(in, "b", WindowedValues.timestampedValueInGlobalWindow(5, new Instant(3))));
      assertThat("only a window tick fires processing-time timers", h.dataOut(out), empty());
      h.window();
      assertEquals(List.of(KV.of("a", 1)), kvsOut(h, out));

      // Each pane's delay runs from its first element: b's (element at +61s) fires on the first
      // tick after +121s, a's second pane (element at +71s) on the first tick after +131s.
      h.advanceProcessingTime(Duration.standardSeconds(10));
      h.process(
          h.keyedData(in, "a", WindowedValues.timestampedValueInGlobalWindow(2, new Instant(2))));
      h.advanceProcessingTime(Duration.standardSeconds(30));
      h.window();
      assertEquals(List.of(KV.of("a", 1)), kvsOut(h, out));
      h.advanceProcessingTime(Duration.standardSeconds(29));
      h.window();
      assertEquals(List.of(KV.of("a", 1), KV.of("b", 5)), kvsOut(h, out));
      h.advanceProcessingTime(Duration.standardSeconds(2));
      h.window();
      assertEquals(List.of(KV.of("a", 1), KV.of("b", 5), KV.of("a", 2)), kvsOut(h, out));
      assertThat(h.coordinator().shutdowns(), empty());
    }
  }

  @Test
  public void aTickExactlyAtTheDelayDoesNotLoseTheProcessingTimePane() throws Exception {
    StagePlan stage =
        gbkStage(
            Window.<KV<String, Integer>>into(new GlobalWindows())
                .triggering(
                    Repeatedly.forever(
                        AfterProcessingTime.pastFirstElementInPane()
                            .plusDelayOf(Duration.standardMinutes(1))))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes());
    try (StageTaskHarness h = StageTaskHarness.open(stage, 0, 1000)) {
      String in = in(h);
      String out = out(h);
      h.process(
          h.keyedData(in, "a", WindowedValues.timestampedValueInGlobalWindow(1, new Instant(1))));
      h.advanceProcessingTime(Duration.standardMinutes(1));
      h.window();
      h.advanceProcessingTime(Duration.standardSeconds(1));
      h.window();
      assertEquals(List.of(KV.of("a", 1)), kvsOut(h, out));
    }
  }

  // --- 4. bundles ---

  /** Sizes of the bundles {@link BufferingFn} finished, in order. */
  static final List<Integer> BUNDLES = Collections.synchronizedList(new ArrayList<>());

  /** Holds its elements until {@code @FinishBundle}, then outputs them all. */
  static final class BufferingFn extends DoFn<Long, KV<String, Long>> {
    private transient List<TimestampedValue<Long>> buffer;

    @StartBundle
    public void start() {
      buffer = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element Long x, @Timestamp Instant timestamp) {
      buffer.add(TimestampedValue.of(x, timestamp));
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      BUNDLES.add(buffer.size());
      for (TimestampedValue<Long> v : buffer) {
        c.output(KV.of("k", v.getValue()), v.getTimestamp(), GlobalWindow.INSTANCE);
      }
      buffer.clear();
    }
  }

  @Before
  public void clearBundles() {
    BUNDLES.clear();
  }

  /** Finalization callbacks that ran, by element; each registered in @ProcessElement. */
  static final List<Long> FINALIZED = Collections.synchronizedList(new ArrayList<>());

  /** Registers a callback per element; elements at odd values get one that has already expired. */
  static final class FinalizingFn extends DoFn<Long, Long> {
    @ProcessElement
    public void process(@Element Long x, OutputReceiver<Long> out, BundleFinalizer finalizer) {
      Instant expiry = x % 2 == 0 ? Instant.now().plus(Duration.standardHours(1)) : new Instant(0);
      finalizer.afterBundleCommit(expiry, () -> FINALIZED.add(x));
      out.output(x);
    }
  }

  @Test
  public void bundleFinalizationRunsOnlyAfterTheCommitCoveringTheBundleAndDropsExpiredCallbacks()
      throws Exception {
    FINALIZED.clear();
    Pipeline p = pipeline();
    p.apply("Read", Read.from(CountingSource.upTo(10)))
        .apply("Finalizing", ParDo.of(new FinalizingFn()))
        .apply("Key", org.apache.beam.sdk.transforms.WithKeys.of("k"))
        .apply("Gbk", GroupByKey.create());
    StagePlan stage = StageTaskHarness.stageWith(StageTaskHarness.translate(p, 1), "Finalizing");
    try (StageTaskHarness h = StageTaskHarness.open(stage, 0, 2)) {
      String src = stage.sourceInputs().get(0).stream();
      for (long x = 0; x < 4; x++) {
        h.process(h.sourceElement(src, sourceValue(x)));
      }
      h.window(); // bundles finished, output sent: not yet durable, so nothing finalized
      assertThat(FINALIZED, empty());
      h.prepareCommit();
      assertThat(FINALIZED, empty());
      h.task().onCommitted();
      // 1 and 3 registered callbacks that had expired by the commit: dropped.
      assertEquals(List.of(0L, 2L), FINALIZED);

      // A callback runs once: the next commit runs only what was registered since.
      h.process(h.sourceElement(src, sourceValue(4)));
      h.prepareCommit();
      h.task().onCommitted();
      assertEquals(List.of(0L, 2L, 4L), FINALIZED);
      h.task().onCommitted();
      assertEquals(List.of(0L, 2L, 4L), FINALIZED);
    }
  }

  private static WindowedValue<Long> sourceValue(long x) {
    return WindowedValues.timestampedValueInGlobalWindow(x, new Instant(x));
  }

  @Test
  public void bundlesFinishEveryBundleSizeMessagesAndOnWindowAndBeforeACommit() throws Exception {
    Pipeline p = pipeline();
    p.apply("Read", Read.from(CountingSource.upTo(10)))
        .apply("Buffer", ParDo.of(new BufferingFn()))
        .apply("Gbk", GroupByKey.create());
    StagePlan stage = StageTaskHarness.stageWith(StageTaskHarness.translate(p, 1), "Buffer");
    assertThat(stage.sourceInputs(), hasSize(1));
    try (StageTaskHarness h = StageTaskHarness.open(stage, 0, 3)) {
      String src = stage.sourceInputs().get(0).stream();
      String out = stage.sinks().get(0).stream();
      h.process(h.sourceElement(src, sourceValue(0)));
      h.process(h.sourceElement(src, sourceValue(1)));
      assertThat(BUNDLES, empty());
      assertThat(h.dataOut(out), empty());
      h.process(h.sourceElement(src, sourceValue(2)));
      assertEquals(List.of(3), BUNDLES);
      assertThat(h.dataOut(out), hasSize(3));

      h.process(h.sourceElement(src, sourceValue(3)));
      h.process(h.sourceElement(src, sourceValue(4)));
      assertEquals(List.of(3), BUNDLES);
      h.window();
      assertEquals(List.of(3, 2), BUNDLES);
      assertThat(h.dataOut(out), hasSize(5));

      // The count restarts after the tick: two more messages do not close a bundle.
      h.process(h.sourceElement(src, sourceValue(5)));
      h.process(h.sourceElement(src, sourceValue(6)));
      assertEquals(List.of(3, 2), BUNDLES);
      h.prepareCommit();
      assertEquals(List.of(3, 2, 2), BUNDLES);
      // Nothing is left buffered: every element is on the output stream.
      List<Object> outValues = new ArrayList<>();
      h.dataOut(out).forEach(v -> outValues.add(((KV<?, ?>) v.getValue()).getValue()));
      assertThat(outValues, containsInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L));

      // An empty bundle is never started, so never finished.
      h.prepareCommit();
      h.window();
      assertEquals(List.of(3, 2, 2), BUNDLES);
    }
  }

  // --- 5. undecodable records ---

  @Test
  public void anUndecodableRecordFailsNamingStreamPartitionAndOffset() throws Exception {
    try (StageTaskHarness h = StageTaskHarness.open(fixedWindowGbkStage(), 1, 1000)) {
      String in = in(h);
      h.process(h.keyedData(in, "a", inW0(1, 1)));
      h.process(h.streamControl(in, wm(0, 3)));
      byte[] key = StreamRecords.encodeKey(org.apache.beam.sdk.coders.StringUtf8Coder.of(), "a");
      // A data record (kind 0) whose payload ends before the value.
      UndecodableRecordException e =
          assertThrows(
              UndecodableRecordException.class, () -> h.process(h.raw(in, key, new byte[] {0})));
      assertThat(e.getMessage(), containsString("mem." + in + "[1]"));
      assertThat(e.getMessage(), containsString("offset 2"));

      // A record of an unknown kind.
      e =
          assertThrows(
              UndecodableRecordException.class,
              () -> h.process(h.raw(in, null, new byte[] {7, 0, 0})));
      assertThat(e.getMessage(), containsString("mem." + in + "[1]"));
      assertThat(e.getMessage(), containsString("offset 3"));
    }
  }

  // --- 6. side inputs ---

  /** Adds the sum of the side input (in the element's window) to each element. */
  static final class AddSideFn extends DoFn<Long, KV<String, Long>> {
    private final PCollectionView<Iterable<Long>> view;

    AddSideFn(PCollectionView<Iterable<Long>> view) {
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long sum = 0;
      for (long v : c.sideInput(view)) {
        sum += v;
      }
      c.output(KV.of("k", c.element() + sum));
    }
  }

  /** Read -> window -> AddSide(side input view of Side) -> Gbk: the stage of AddSide. */
  private static StagePlan sideInputStage() {
    Pipeline p = pipeline();
    PCollectionView<Iterable<Long>> view =
        p.apply("Side", Create.timestamped(TimestampedValue.of(100L, new Instant(1))))
            .apply("SideWindow", Window.into(FixedWindows.of(Duration.millis(10))))
            .apply("View", View.asIterable());
    PCollection<Long> main =
        p.apply("Read", Read.from(CountingSource.upTo(10)))
            .apply("MainWindow", Window.into(FixedWindows.of(Duration.millis(10))));
    main.apply("AddSide", ParDo.of(new AddSideFn(view)).withSideInputs(view))
        .apply("Gbk", GroupByKey.create());
    ExecutionPlan plan = StageTaskHarness.translate(p, 1);
    StagePlan stage = StageTaskHarness.stageWith(plan, "AddSide");
    assertThat(plan.describe(), stage.broadcastInputs(), hasSize(1));
    assertThat(plan.describe(), stage.sourceInputs(), hasSize(1));
    return stage;
  }

  private static List<Object> valuesOut(StageTaskHarness h, String stream) {
    List<Object> values = new ArrayList<>();
    h.dataOut(stream).forEach(v -> values.add(((KV<?, ?>) v.getValue()).getValue()));
    return values;
  }

  @Test
  public void mainInputWaitsUntilTheSideInputsWatermarkPassesItsWindow() throws Exception {
    StagePlan stage = sideInputStage();
    int sideProducers = stage.broadcastInputs().get(0).upstreamTaskCount();
    try (StageTaskHarness h = StageTaskHarness.open(stage, 0, 1000)) {
      String src = stage.sourceInputs().get(0).stream();
      String side = stage.broadcastInputs().get(0).stream();
      String out = stage.sinks().get(0).stream();
      h.process(h.sourceElement(src, sourceValue(1)));
      h.process(h.sourceElement(src, sourceValue(2)));
      h.process(
          h.broadcastData(side, WindowedValues.of(100L, new Instant(1), W0, PaneInfo.NO_FIRING)));
      for (int producer = 0; producer < sideProducers; producer++) {
        h.process(h.streamControl(side, wm(producer, 9)));
      }
      h.window();
      h.prepareCommit();
      assertThat("side window [0, 10) not complete yet", valuesOut(h, out), empty());

      for (int producer = 0; producer < sideProducers; producer++) {
        h.process(h.streamControl(side, wm(producer, 10)));
      }
      h.window();
      assertThat(valuesOut(h, out), containsInAnyOrder(101L, 102L));

      // From now on an element of that window is processed at once ...
      h.process(h.sourceElement(src, sourceValue(3)));
      h.prepareCommit();
      assertThat(valuesOut(h, out), containsInAnyOrder(101L, 102L, 103L));
      // ... while one of the next window waits for the side input's end.
      h.process(h.sourceElement(src, sourceValue(15)));
      h.window();
      assertThat(valuesOut(h, out), hasSize(3));
      for (int producer = 0; producer < sideProducers; producer++) {
        h.process(h.streamControl(side, new ControlMessage.EndOfStream(producer)));
      }
      h.window();
      assertThat(valuesOut(h, out), containsInAnyOrder(101L, 102L, 103L, 15L));
      // The side input ended but the main input did not: the task is not finished.
      assertThat(h.coordinator().shutdowns(), empty());
      h.process(h.sourceControl(src, new ControlMessage.EndOfStream(0)));
      assertThat(h.coordinator().shutdowns(), hasSize(1));
    }
  }

  @Test
  public void aTaskWhoseMainInputEndedWaitsForItsSideInputToEnd() throws Exception {
    StagePlan stage = sideInputStage();
    int sideProducers = stage.broadcastInputs().get(0).upstreamTaskCount();
    try (StageTaskHarness h = StageTaskHarness.open(stage, 0, 1000)) {
      String src = stage.sourceInputs().get(0).stream();
      String side = stage.broadcastInputs().get(0).stream();
      String out = stage.sinks().get(0).stream();
      h.process(h.sourceElement(src, sourceValue(1)));
      h.process(h.sourceControl(src, new ControlMessage.EndOfStream(0)));
      h.window();
      assertThat(h.coordinator().shutdowns(), empty());
      // The main input ended, but its element waits for the side input and holds the output
      // watermark at its timestamp: no end of stream, no watermark past 1.
      assertThat(valuesOut(h, out), empty());
      for (ControlMessage c : h.controlsOut(out, 0)) {
        assertThat(c, instanceOf(ControlMessage.Watermark.class));
        assertThat(((ControlMessage.Watermark) c).millis(), lessThan(2L));
      }
      for (int producer = 0; producer < sideProducers; producer++) {
        assertThat(h.coordinator().shutdowns(), empty());
        h.process(h.streamControl(side, new ControlMessage.EndOfStream(producer)));
      }
      assertThat(h.coordinator().shutdowns(), hasSize(1));
      assertEquals(List.of(1L), valuesOut(h, out));
      assertEquals(
          List.of(new ControlMessage.EndOfStream(0)),
          h.controlsOut(out, 0)
              .subList(h.controlsOut(out, 0).size() - 1, h.controlsOut(out, 0).size()));
      assertTrue(h.log().get(h.log().size() - 1) instanceof RecordingTaskCoordinator.Request);
    }
  }
}
