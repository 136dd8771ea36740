package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
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
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * A stateful ParDo with an event-time timer per key and window, on every state configuration the
 * runner offers (RocksDB or heap store, changelog on or off), at parallelism 4: per key and window
 * the timer emits the sum its state accumulated, which must equal what plain Java computes.
 */
@RunWith(Parameterized.class)
public class StatefulPipelineTest implements java.io.Serializable {
  @Parameterized.Parameters(name = "{0}, changelog={1}")
  public static Collection<Object[]> configurations() {
    return Arrays.asList(
        new Object[][] {
          {SamzaPipelineOptions.StateBackend.ROCKSDB, false},
          {SamzaPipelineOptions.StateBackend.ROCKSDB, true},
          {SamzaPipelineOptions.StateBackend.MEMORY, false},
          {SamzaPipelineOptions.StateBackend.MEMORY, true},
        });
  }

  private final SamzaPipelineOptions.StateBackend backend;
  private final boolean changelog;

  public StatefulPipelineTest(SamzaPipelineOptions.StateBackend backend, boolean changelog) {
    this.backend = backend;
    this.changelog = changelog;
  }

  static final int KEYS = 50;
  static final long ELEMENTS = 20_000;
  static final long WINDOW_MS = 1_000;

  /** Sums a key's values per window; the end-of-window timer emits "key@windowStart=sum". */
  static final class SumAtEndOfWindow extends DoFn<KV<String, Long>, String> {
    @StateId("sum")
    private final StateSpec<ValueState<Long>> sumSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, Long> e,
        BoundedWindow window,
        @StateId("sum") ValueState<Long> sum,
        @TimerId("end") Timer end) {
      Long s = sum.read();
      sum.write((s == null ? 0 : s) + e.getValue());
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(
        @Key String key,
        BoundedWindow window,
        @StateId("sum") ValueState<Long> sum,
        OutputReceiver<String> out) {
      out.output(
          key
              + "@"
              + window.maxTimestamp().plus(1).minus(WINDOW_MS).getMillis()
              + "="
              + sum.read());
    }
  }

  @Test
  public void timerEmitsTheStateOfEachKeyAndWindow() {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(4);
    options.setStateBackend(backend);
    options.setStateChangelog(changelog);
    Pipeline p = Pipeline.create(options);
    PCollection<String> sums =
        p.apply(GenerateSequence.from(0).to(ELEMENTS).withTimestampFn(i -> new Instant(i)))
            .apply(Window.into(FixedWindows.of(Duration.millis(WINDOW_MS))))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(i -> KV.of("k" + (i % KEYS), i)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply(ParDo.of(new SumAtEndOfWindow()));

    // Plain Java: element i has timestamp i ms, key i % KEYS, window floor(i / WINDOW_MS).
    long windows = (ELEMENTS + WINDOW_MS - 1) / WINDOW_MS;
    long[][] expectedSums = new long[KEYS][(int) windows];
    for (long i = 0; i < ELEMENTS; i++) {
      expectedSums[(int) (i % KEYS)][(int) (i / WINDOW_MS)] += i;
    }
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      for (int w = 0; w < windows; w++) {
        expected.add("k" + k + "@" + (w * WINDOW_MS) + "=" + expectedSums[k][w]);
      }
    }
    PAssert.that(sums).containsInAnyOrder(expected);
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    // The PAssert ran and succeeded (a failed one fails the run; one that never ran fails here).
    TestPipeline.verifyPAssertsSucceeded(p, result);
  }
}
