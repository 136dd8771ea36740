package org.beamsamza.benchmarks;

import java.util.Arrays;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;

/**
 * State larger than the heap in its simplest shape: {@code n} events, every one a distinct key,
 * into a stateful ParDo that keeps a {@code ValueState<Long>} per key (read, then written). Every
 * key's state is new, so nothing is ever hot: the store must hold {@code n} cells (plus the
 * runner's per-key bookkeeping) without keeping them on the heap. The answer is checked with
 * counters: {@code n} keys seen for the first time, none seen twice, and the sum of the stored
 * values equals the sum of the inputs. Usage: {@code DistinctKeysStateBenchmark [events] [pipeline
 * options...]} (default 10,000,000 events).
 */
public final class DistinctKeysStateBenchmark {
  static final String NAMESPACE = "distinct-keys-benchmark";

  private DistinctKeysStateBenchmark() {}

  public static void main(String[] args) {
    long n = 10_000_000L;
    String[] options = args;
    if (args.length > 0 && !args[0].startsWith("--")) {
      n = Long.parseLong(args[0].replace("_", ""));
      options = Arrays.copyOfRange(args, 1, args.length);
    }
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(options).create());
    p.apply(GenerateSequence.from(0).to(n))
        .apply("KeyEveryEvent", ParDo.of(new KeyEveryEvent()))
        .apply("RememberPerKey", ParDo.of(new RememberPerKey()));
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long first = counter(result, "first");
    long repeated = counter(result, "repeated");
    long sum = counter(result, "sum");
    long expectedSum = n * (n - 1) / 2;
    if (first != n || repeated != 0 || sum != expectedSum) {
      throw new AssertionError(
          "expected "
              + n
              + " new keys, 0 repeated, sum "
              + expectedSum
              + "; got "
              + first
              + ", "
              + repeated
              + ", "
              + sum);
    }
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        "distinct-keys: %d keys in %.1f s = %.0f events/s (checked; max heap %d MiB)%n",
        n, seconds, n / seconds, rt.maxMemory() >> 20);
  }

  private static long counter(PipelineResult result, String name) {
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(NAMESPACE, name))
                    .build())
            .getCounters()) {
      return c.getAttempted();
    }
    return 0;
  }

  /** Event {@code i} is key {@code i} (so every key is distinct) with value {@code i}. */
  static final class KeyEveryEvent extends DoFn<Long, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element Long i, OutputReceiver<KV<Long, Long>> out) {
      out.output(KV.of(i, i));
    }
  }

  /** Keeps each key's value in state; counts keys seen first and again, and sums stored values. */
  static final class RememberPerKey extends DoFn<KV<Long, Long>, Void> {
    @StateId("value")
    private final StateSpec<ValueState<Long>> valueSpec = StateSpecs.value(VarLongCoder.of());

    private final Counter first = Metrics.counter(NAMESPACE, "first");
    private final Counter repeated = Metrics.counter(NAMESPACE, "repeated");
    private final Counter sum = Metrics.counter(NAMESPACE, "sum");

    @ProcessElement
    public void process(@Element KV<Long, Long> e, @StateId("value") ValueState<Long> value) {
      Long previous = value.read();
      if (previous == null) {
        first.inc();
        value.write(e.getValue());
        sum.inc(e.getValue());
      } else {
        repeated.inc();
        value.write(previous + e.getValue());
      }
    }
  }
}
