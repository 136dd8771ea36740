package org.beamsamza.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;

/**
 * Start-up and shut-down of a local job: a ten-element keyed count (one exchange, a store) run
 * {@code runs} times in one JVM, each from {@code run()} to {@code waitUntilFinish()}. The first
 * run pays class loading, Beam's generated DoFn invokers and the JIT; the later ones show what a
 * job itself costs to start and stop.
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
 *   org.beamsamza.benchmarks.JobStartBenchmark [runs=5] [--runner=SamzaRunner --parallelism=2 ...]
 * </pre>
 */
public final class JobStartBenchmark {
  private JobStartBenchmark() {}

  /** Fails the job unless the one key counted all ten elements. */
  private static final class CheckTen extends SimpleFunction<KV<Integer, Long>, Long> {
    @Override
    public Long apply(KV<Integer, Long> count) {
      if (count.getValue() != 10L) {
        throw new IllegalStateException("expected a count of 10, got " + count);
      }
      return count.getValue();
    }
  }

  public static void main(String[] args) {
    int runs = 5;
    List<String> pipelineArgs = new ArrayList<>(List.of("--runner=SamzaRunner", "--parallelism=2"));
    for (String arg : args) {
      if (arg.startsWith("runs=")) {
        runs = Integer.parseInt(arg.substring("runs=".length()));
      } else {
        pipelineArgs.add(arg);
      }
    }
    for (int i = 0; i < runs; i++) {
      Pipeline p =
          Pipeline.create(
              PipelineOptionsFactory.fromArgs(pipelineArgs.toArray(new String[0])).create());
      p.apply(Create.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
          .apply(WithKeys.of(1))
          .apply(Count.perKey())
          .apply(MapElements.via(new CheckTen()));
      long start = System.nanoTime();
      PipelineResult.State state = p.run().waitUntilFinish();
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("run " + i + " ended " + state);
      }
      System.out.println(
          "RESULT "
              + Map.of("run", i, "millis", millis, "first", i == 0).toString().replace(", ", " "));
    }
    System.exit(0);
  }
}
