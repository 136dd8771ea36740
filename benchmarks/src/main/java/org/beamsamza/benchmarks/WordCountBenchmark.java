package org.beamsamza.benchmarks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.beamsamza.examples.WordCount;

/**
 * Runs {@link WordCount} (the examples' pipeline, via {@link WordCount#buildPipeline}) on one file
 * with each runner of {@code --runners} in this JVM, for {@code --rounds} rounds with the runner
 * order alternating, and prints wall seconds, input MB/s, lines/s and words/s per run, then the
 * medians and the throughput ratio of the first runner over each other one.
 *
 * <pre>
 *   WordCountBenchmark --inputFile=/tmp/text-100mb.txt [--runners=SamzaRunner,DirectRunner] [--rounds=1]
 *       [--warmup=true] [--workDir=/tmp/beamsamza-bench] [--numShards=1] [runner options, e.g. --parallelism=2]
 * </pre>
 *
 * <p>Every run's output is checked: its sorted lines must equal those of the first successful run
 * (whatever the runner), and its counts must add up to the number of words counted here by a plain
 * Java scan of the input. Any mismatch or failed run makes the program exit with status 1.
 *
 * <p>The warm-up (default on) runs each runner once, untimed, on the first ~256 KB of the input so
 * that class loading and JIT compilation of the first runner do not count against it.
 */
public final class WordCountBenchmark {

  private static final Pattern SEPARATOR = Pattern.compile("[^\\p{L}]+");

  private WordCountBenchmark() {}

  /** Plain-Java scan of the input: {bytes, lines, words}. */
  static long[] scan(Path input) throws IOException {
    long lines = 0;
    long words = 0;
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines++;
        for (String token : SEPARATOR.split(line, -1)) {
          if (!token.isEmpty()) {
            words++;
          }
        }
      }
    }
    return new long[] {Files.size(input), lines, words};
  }

  /** The first whole lines of {@code input} totalling at least {@code bytes} bytes. */
  static Path sample(Path input, long bytes, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    long written = 0;
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
        BufferedWriter writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine();
          line != null && written < bytes;
          line = reader.readLine()) {
        writer.write(line);
        writer.write('\n');
        written += line.length() + 1;
      }
    }
    return target;
  }

  static long sumOfCounts(List<String> lines) {
    long sum = 0;
    for (String line : lines) {
      int sep = line.lastIndexOf(": ");
      if (sep <= 0) {
        throw new IllegalStateException("malformed output line '" + line + "'");
      }
      sum += Long.parseLong(line.substring(sep + 2));
    }
    return sum;
  }

  /** Null if equal, else a description of the first difference. */
  static String firstDifference(List<String> expected, List<String> actual) {
    if (expected.equals(actual)) {
      return null;
    }
    int n = Math.min(expected.size(), actual.size());
    for (int i = 0; i < n; i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        return String.format(
            "output differs from the reference run: %d vs %d lines; first difference at sorted line %d: '%s' vs '%s'",
            expected.size(), actual.size(), i, expected.get(i), actual.get(i));
      }
    }
    return String.format(
        "output differs from the reference run: %d vs %d lines", expected.size(), actual.size());
  }

  public static void main(String[] args) throws Exception {
    Harness h = new Harness("WordCountBenchmark", args, Map.of("inputFile", "", "numShards", "1"));
    if (h.get("inputFile").isEmpty()) {
      System.err.println(
          "WordCountBenchmark: missing --inputFile=PATH (make one with GenerateText --output=PATH --sizeMb=100)");
      System.exit(2);
    }
    Path input = Paths.get(h.get("inputFile")).toAbsolutePath();
    if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
      System.err.println("WordCountBenchmark: --inputFile=" + input + " is not a readable file");
      System.exit(2);
    }
    int numShards = Integer.parseInt(h.get("numShards"));

    long[] stats = scan(input);
    double mb = stats[0] / (double) (1 << 20);
    h.printHeader(
        String.format(
            Locale.ROOT,
            "WordCount of %s: %.1f MB (MB = 2^20 bytes), %d lines, %d words",
            input,
            mb,
            stats[1],
            stats[2]));

    if (h.warmup) {
      Path warm =
          sample(input, 256L << 10, h.workDir.resolve("WordCountBenchmark/warmup-input.txt"));
      h.warmUp(
          "counts",
          (p, out) -> WordCount.buildPipeline(p, warm.toString(), out.toString(), numShards),
          null);
    }

    List<Harness.Rate> rates =
        List.of(
            new Harness.Rate("MB/s", mb),
            new Harness.Rate("lines/s", stats[1]),
            new Harness.Rate("words/s", stats[2]));
    // Every successful run must write what the first one wrote.
    List<List<String>> referenceHolder = new java.util.ArrayList<>();
    List<String> referenceRunHolder = new java.util.ArrayList<>();
    h.timeRounds(
        "counts",
        rates,
        (p, out) -> WordCount.buildPipeline(p, input.toString(), out.toString(), numShards),
        out -> {
          List<String> lines = Harness.readSortedLines(out);
          long sum = sumOfCounts(lines);
          if (sum != stats[2]) {
            return "counts add up to " + sum + " words, the input has " + stats[2];
          }
          if (referenceHolder.isEmpty()) {
            referenceHolder.add(lines);
            referenceRunHolder.add(out.getParent().getFileName().toString());
            return null;
          }
          String diff = firstDifference(referenceHolder.get(0), lines);
          return diff == null ? null : diff + " (reference: " + referenceRunHolder.get(0) + ")";
        });
    List<String> reference = referenceHolder.isEmpty() ? null : referenceHolder.get(0);
    if (reference != null) {
      System.out.printf(
          "%nverified: every successful run wrote the same %d distinct words, counts summing to %d%n",
          reference.size(), stats[2]);
    }
    h.finish(rates);
  }
}
