package org.beamsamza.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * A ParDo with a side input, timed on each runner of {@code --runners} in this JVM:
 *
 * <pre>
 *   side: GenerateSequence [0, sideN) -> Max.globally -> View.asSingleton
 *   main: GenerateSequence [0, n) -> i + side -> Sum.globally -> check -> one text line
 * </pre>
 *
 * <pre>
 *   SideInputBenchmark [--n=1000000] [--sideN=1000] [--runners=SamzaRunner,DirectRunner] [--rounds=1]
 *       [--warmup=true] [--workDir=/tmp/beamsamza-bench] [runner options, e.g. --parallelism=2]
 * </pre>
 *
 * Main-input elements that arrive before the side input is ready wait for it (pushed back), which
 * is what this shape measures besides the side-input read itself. The sum is checked in the
 * pipeline and again on the output file.
 */
public final class SideInputBenchmark {
  private SideInputBenchmark() {}

  static long expectedSum(long n, long sideN) {
    return GroupByKeyBenchmark.expectedTotalSum(n) + n * (sideN - 1);
  }

  /** i -> i + the side input. */
  static final class AddSideFn extends DoFn<Long, Long> {
    private final PCollectionView<Long> side;

    AddSideFn(PCollectionView<Long> side) {
      this.side = side;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element() + c.sideInput(side));
    }
  }

  static Pipeline buildPipeline(Pipeline pipeline, long n, long sideN, String output) {
    PCollectionView<Long> max =
        pipeline
            .apply("Side", GenerateSequence.from(0).to(sideN))
            .apply("Max", Max.longsGlobally())
            .apply(View.asSingleton());
    long expected = expectedSum(n, sideN);
    pipeline
        .apply("Main", GenerateSequence.from(0).to(n))
        .apply("AddSide", ParDo.of(new AddSideFn(max)).withSideInputs(max))
        .apply("Sum", Sum.longsGlobally())
        .apply(
            "Check",
            MapElements.into(TypeDescriptors.strings())
                .via(
                    sum -> {
                      if (sum != expected) {
                        throw new IllegalStateException("sum " + sum + ", expected " + expected);
                      }
                      return "sum=" + sum;
                    }))
        .apply("Write", TextIO.write().to(output).withoutSharding());
    return pipeline;
  }

  static String checkOutput(Path output, long n, long sideN) {
    List<String> lines = Harness.readSortedLines(output);
    String expected = "sum=" + expectedSum(n, sideN);
    return lines.equals(List.of(expected)) ? null : "output " + lines + ", expected " + expected;
  }

  public static void main(String[] args) {
    Harness h = new Harness("SideInputBenchmark", args, Map.of("n", "1000000", "sideN", "1000"));
    long n = h.getLong("n");
    long sideN = h.getLong("sideN");
    h.printHeader(
        String.format(
            Locale.ROOT,
            "GenerateSequence(%d) -> i + max(GenerateSequence(%d)) as a side input -> Sum.globally",
            n,
            sideN));
    if (h.warmup) {
      for (String runner : h.runners) {
        Path out = h.runDir(runner, "warmup").resolve("sum");
        try {
          double s =
              h.runPipeline(
                  runner,
                  "warmup",
                  p -> buildPipeline(p, Math.min(n, 50_000), sideN, out.toString()));
          System.out.printf(Locale.ROOT, "warm-up %-14s %.2f s (untimed)%n", runner, s);
        } catch (RuntimeException | Error e) {
          System.out.printf("warm-up %-14s FAILED: %s%n", runner, Harness.describe(e));
        }
        Harness.deleteRecursively(out.getParent());
      }
    }
    List<Harness.Rate> rates = List.of(new Harness.Rate("elements/s", n));
    h.printRunHeader(rates);
    for (int round = 1; round <= h.rounds; round++) {
      for (String runner : h.order(round - 1)) {
        Path out = h.runDir(runner, "round" + round).resolve("sum");
        System.gc();
        double seconds = Double.NaN;
        String error = null;
        try {
          seconds =
              h.runPipeline(
                  runner, "round" + round, p -> buildPipeline(p, n, sideN, out.toString()));
          error = checkOutput(out, n, sideN);
        } catch (RuntimeException | Error e) {
          e.printStackTrace();
          error = Harness.describe(e);
        }
        h.record(new Harness.Measurement(runner, round, seconds, error), rates);
        Harness.deleteRecursively(out.getParent());
      }
    }
    h.finish(rates);
  }
}
