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
    long wn = Math.min(n, 50_000);
    h.warmUp(
        "sum",
        (p, out) -> buildPipeline(p, wn, sideN, out.toString()),
        out -> checkOutput(out, wn, sideN));
    List<Harness.Rate> rates = List.of(new Harness.Rate("elements/s", n));
    h.timeRounds(
        "sum",
        rates,
        (p, out) -> buildPipeline(p, n, sideN, out.toString()),
        out -> checkOutput(out, n, sideN));
    h.finish(rates);
  }
}
