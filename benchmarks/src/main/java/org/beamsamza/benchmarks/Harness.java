package org.beamsamza.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * What both benchmarks share: argument handling, one options object per runner, timing runs with
 * the runner order alternating between rounds, and the summary with throughput ratios.
 *
 * <p>Arguments are {@code --name=value}. The benchmark's own names are consumed; every other
 * argument is handed unchanged to each runner's {@link PipelineOptions} (e.g. {@code
 * --parallelism=2} for the SamzaRunner, {@code --targetParallelism=2} for the DirectRunner; Beam
 * accepts an option if any registered options interface declares it, so one runner's option does
 * not break the other's parse). Runners are referred to by name only, never by class.
 */
final class Harness {

  /** A quantity processed per run, reported as {@code amount / wall seconds}. */
  record Rate(String unit, double amountPerRun) {}

  /** One timed run. {@code error} is null when the run succeeded and its result was verified. */
  record Measurement(String runner, int round, double seconds, String error) {}

  final String benchmark;
  final Map<String, String> own;
  final List<String> passThrough;
  final List<String> runners;
  final int rounds;
  final boolean warmup;
  final Path workDir;
  final List<Measurement> measurements = new ArrayList<>();
  final List<String> failures = new ArrayList<>();

  /**
   * @param defaults the benchmark's own options with their defaults; {@code runners}, {@code
   *     rounds}, {@code warmup} and {@code workDir} are added here
   */
  Harness(String benchmark, String[] args, Map<String, String> defaults) {
    this.benchmark = benchmark;
    Map<String, String> known = new LinkedHashMap<>(defaults);
    known.putIfAbsent("runners", "SamzaRunner,DirectRunner");
    known.putIfAbsent("rounds", "1");
    known.putIfAbsent("warmup", "true");
    known.putIfAbsent(
        "workDir", Paths.get(System.getProperty("java.io.tmpdir"), "beamsamza-bench").toString());
    this.own = new LinkedHashMap<>(known);
    this.passThrough = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        usage(null, known);
      }
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
      if (name != null && known.containsKey(name)) {
        own.put(name, arg.substring(eq + 1));
      } else if (name != null && name.equals("runner")) {
        usage("use --runners=A,B (a list), not --runner", known);
      } else if (arg.startsWith("--")) {
        passThrough.add(arg);
      } else {
        usage("unexpected argument '" + arg + "' (expected --name=value)", known);
      }
    }
    this.runners =
        Arrays.stream(own.get("runners").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toList());
    this.rounds = Integer.parseInt(own.get("rounds"));
    this.warmup = Boolean.parseBoolean(own.get("warmup"));
    this.workDir = Paths.get(own.get("workDir")).toAbsolutePath();
    if (runners.isEmpty() || rounds < 1) {
      usage("need at least one runner and --rounds >= 1", known);
    }
    // Fail before any work if a runner is not on the classpath or an option is unknown.
    for (String runner : runners) {
      try {
        options(runner, "check");
      } catch (RuntimeException e) {
        System.err.println(benchmark + ": runner " + runner + ": " + e.getMessage());
        System.exit(2);
      }
    }
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void usage(String problem, Map<String, String> known) {
    if (problem != null) {
      System.err.println(benchmark + ": " + problem);
    }
    System.err.println("usage: " + benchmark + " [--name=value ...] [runner options ...]");
    known.forEach((k, v) -> System.err.println("  --" + k + "=" + v));
    System.err.println("  any other --name=value is passed to every runner's PipelineOptions");
    System.exit(2);
  }

  String get(String name) {
    return own.get(name);
  }

  long getLong(String name) {
    return Long.parseLong(own.get(name).replace("_", ""));
  }

  PipelineOptions options(String runner, String jobSuffix) {
    List<String> args = new ArrayList<>(passThrough);
    args.add("--runner=" + runner);
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).create();
    options.setJobName(
        (benchmark + "-" + runner + "-" + jobSuffix).toLowerCase(Locale.ROOT).replace('_', '-'));
    return options;
  }

  /** Runner order of a round: as given in even rounds, reversed in odd rounds. */
  List<String> order(int round) {
    List<String> order = new ArrayList<>(runners);
    if (round % 2 == 1) {
      Collections.reverse(order);
    }
    return order;
  }

  /** Builds, runs and waits for one pipeline; returns wall seconds of run() + waitUntilFinish(). */
  double runPipeline(String runner, String jobSuffix, Consumer<Pipeline> build) {
    Pipeline pipeline = Pipeline.create(options(runner, jobSuffix));
    build.accept(pipeline);
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException(
          "pipeline ended in state " + state + ", not DONE (the runner's log above says why)");
    }
    return seconds;
  }

  /** Adds a run's pipeline, which writes its result to files starting with {@code output}. */
  interface Build {
    void build(Pipeline pipeline, Path output);
  }

  /** Checks a run's output files: null when right, else what is wrong. */
  interface Check {
    String check(Path output);
  }

  /**
   * One untimed run per runner (if {@code --warmup}), printing its time and what {@code check} (may
   * be null) finds wrong, or its failure.
   */
  void warmUp(String outputName, Build build, Check check) {
    if (!warmup) {
      return;
    }
    for (String runner : runners) {
      Path out = runDir(runner, "warmup").resolve(outputName);
      try {
        double s = runPipeline(runner, "warmup", p -> build.build(p, out));
        String problem = check == null ? null : check.check(out);
        System.out.printf(
            Locale.ROOT,
            "warm-up %-14s %.2f s (untimed)%s%n",
            runner,
            s,
            problem == null ? "" : " WRONG: " + problem);
      } catch (RuntimeException | Error e) {
        System.out.printf("warm-up %-14s FAILED: %s%n", runner, describe(e));
      }
      deleteRecursively(out.getParent());
    }
  }

  /**
   * {@code --rounds} rounds of one timed run per runner (the order alternating between rounds),
   * each checked and recorded; then the summary.
   */
  void timeRounds(String outputName, List<Rate> rates, Build build, Check check) {
    printRunHeader(rates);
    for (int round = 1; round <= rounds; round++) {
      for (String runner : order(round - 1)) {
        Path out = runDir(runner, "round" + round).resolve(outputName);
        System.gc();
        double seconds = Double.NaN;
        String error = null;
        try {
          seconds = runPipeline(runner, "round" + round, p -> build.build(p, out));
          error = check.check(out);
        } catch (RuntimeException | Error e) {
          e.printStackTrace();
          error = describe(e);
        }
        record(new Measurement(runner, round, seconds, error), rates);
        deleteRecursively(out.getParent());
      }
    }
  }

  /** Run directory of one run, emptied first. */
  Path runDir(String runner, String label) {
    Path dir = workDir.resolve(benchmark).resolve(runner + "-" + label);
    deleteRecursively(dir);
    return dir;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All lines of the files whose names start with {@code prefix}'s file name, sorted. */
  static List<String> readSortedLines(Path prefix) {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(prefix.getParent())) {
      List<Path> matches =
          files
              .filter(p -> p.getFileName().toString().startsWith(prefix.getFileName().toString()))
              .filter(Files::isRegularFile)
              .collect(Collectors.toList());
      if (matches.isEmpty()) {
        throw new IllegalStateException("no output file " + prefix + "*");
      }
      for (Path file : matches) {
        lines.addAll(Files.readAllLines(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(lines);
    return lines;
  }

  void printHeader(String workload) {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "%s: %s%n  runners=%s rounds=%d (order alternates) warmup=%s runnerArgs=%s%n"
            + "  java %s, %d cores, max heap %d MB, jvm args %s%n",
        benchmark,
        workload,
        runners,
        rounds,
        warmup,
        passThrough,
        System.getProperty("java.version"),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments());
  }

  void printRunHeader(List<Rate> rates) {
    StringBuilder h =
        new StringBuilder(String.format(Locale.ROOT, "%-14s %5s %9s", "runner", "round", "wall_s"));
    for (Rate r : rates) {
      h.append(String.format(Locale.ROOT, " %14s", r.unit()));
    }
    System.out.println(h);
  }

  void record(Measurement m, List<Rate> rates) {
    measurements.add(m);
    StringBuilder line =
        new StringBuilder(
            String.format(Locale.ROOT, "%-14s %5d %9.2f", m.runner(), m.round(), m.seconds()));
    if (m.error() == null) {
      for (Rate r : rates) {
        line.append(String.format(Locale.ROOT, " %14s", fmt(r.amountPerRun() / m.seconds())));
      }
    } else {
      line.append("  FAILED: ").append(m.error());
      failures.add(m.runner() + " round " + m.round() + ": " + m.error());
    }
    System.out.println(line);
    System.out.flush();
  }

  /** Three significant digits at least, no exponent: 0.0281, 3.14, 4303, 1234567. */
  static String fmt(double v) {
    double a = Math.abs(v);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.1 ? "%.3f" : "%.4f";
    return String.format(Locale.ROOT, f, v);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Prints the per-runner summary and ratios; exits 1 if any run failed. */
  void finish(List<Rate> rates) {
    System.out.println();
    System.out.println(
        "summary (median over successful runs; throughput = " + rates.get(0).unit() + ")");
    Map<String, Double> medianSeconds = new LinkedHashMap<>();
    for (String runner : runners) {
      List<Double> ok =
          measurements.stream()
              .filter(m -> m.runner().equals(runner) && m.error() == null)
              .map(Measurement::seconds)
              .collect(Collectors.toList());
      if (ok.isEmpty()) {
        System.out.printf(Locale.ROOT, "  %-14s no successful run%n", runner);
        continue;
      }
      double med = median(ok);
      medianSeconds.put(runner, med);
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "  %-14s runs=%d median_wall_s=%.2f best_wall_s=%.2f",
                  runner,
                  ok.size(),
                  med,
                  Collections.min(ok)));
      for (Rate r : rates) {
        line.append(" ").append(r.unit()).append('=').append(fmt(r.amountPerRun() / med));
      }
      System.out.println(line);
    }
    String first = runners.get(0);
    for (String other : runners.subList(1, runners.size())) {
      if (medianSeconds.containsKey(first) && medianSeconds.containsKey(other)) {
        System.out.printf(
            Locale.ROOT,
            "  throughput ratio %s/%s = %.3f%n",
            first,
            other,
            medianSeconds.get(other) / medianSeconds.get(first));
      }
    }
    if (!failures.isEmpty()) {
      System.out.println();
      System.out.println("FAILED (" + failures.size() + " run(s)):");
      failures.forEach(f -> System.out.println("  " + f));
      System.out.flush();
      System.exit(1);
    }
  }

  /** A short description of a failure: the innermost cause's class and message. */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getClass().getSimpleName() + ": " + root.getMessage();
    if (root != t) {
      msg = t.getClass().getSimpleName() + " caused by " + msg;
    }
    return msg;
  }
}
