package org.beamsamza.runner.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsOptions;
import org.apache.beam.sdk.metrics.MetricsSink;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.translation.metrics.SystemMetrics;
import org.junit.Before;
import org.junit.Test;

/** {@code --metricsSink} / {@code --metricsPushPeriod}: what reaches the sink, and when. */
public class MetricsPushingTest {
  /** Keeps every push; built by the runner from MetricsOptions as Beam's sinks are. */
  public static final class RecordingSink implements MetricsSink {
    static final List<MetricQueryResults> PUSHES = new ArrayList<>();

    public RecordingSink(MetricsOptions options) {}

    @Override
    public void writeMetrics(MetricQueryResults results) {
      synchronized (PUSHES) {
        PUSHES.add(results);
      }
    }
  }

  /** No constructor taking MetricsOptions: the runner cannot build it. */
  public static final class UnbuildableSink implements MetricsSink {
    public UnbuildableSink(String unrelated) {}

    @Override
    public void writeMetrics(MetricQueryResults results) {}
  }

  static final class CountingFn extends DoFn<Integer, Integer> {
    private final Counter counter = Metrics.counter(MetricsPushingTest.class, "seen");

    @ProcessElement
    public void process(@Element Integer x, OutputReceiver<Integer> out) {
      counter.inc();
      out.output(x);
    }
  }

  private static SamzaPipelineOptions options(Class<? extends MetricsSink> sink) {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(2);
    options.as(MetricsOptions.class).setMetricsSink(sink);
    options.as(MetricsOptions.class).setMetricsPushPeriod(3600L); // only the final push counts
    return options;
  }

  @Before
  public void clear() {
    synchronized (RecordingSink.PUSHES) {
      RecordingSink.PUSHES.clear();
    }
  }

  private static long counter(MetricQueryResults results, String step, String name) {
    long sum = 0;
    for (MetricResult<Long> c : results.getCounters()) {
      if (c.getKey().stepName().startsWith(step + "/") && c.getName().getName().equals(name)) {
        sum += c.getAttempted();
      }
    }
    return sum;
  }

  @Test
  public void theSinkHoldsTheFinalValuesWhenWaitUntilFinishReturns() {
    Pipeline p = Pipeline.create(options(RecordingSink.class));
    p.apply("Numbers", Create.of(IntStream.range(0, 1000).boxed().toList()))
        .apply("Count", ParDo.of(new CountingFn()));
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish(), is(PipelineResult.State.DONE));

    MetricQueryResults last;
    synchronized (RecordingSink.PUSHES) {
      assertThat(RecordingSink.PUSHES.size(), greaterThan(0));
      last = RecordingSink.PUSHES.get(RecordingSink.PUSHES.size() - 1);
    }
    // The period is an hour: these values come from the push made when the job stopped.
    assertThat(counter(last, "Count", "seen"), is(1000L));
    // System metric: elements the step emitted.
    assertThat(counter(last, "Count", SystemMetrics.ELEMENTS_OUT.getName()), is(1000L));
  }

  @Test
  public void aSinkThatCannotBeBuiltFailsRunNamingTheOption() {
    Pipeline p = Pipeline.create(options(UnbuildableSink.class));
    p.apply(Create.of(1, 2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--metricsSink"));
    assertThat(e.getMessage(), containsString(UnbuildableSink.class.getName()));
  }
}
