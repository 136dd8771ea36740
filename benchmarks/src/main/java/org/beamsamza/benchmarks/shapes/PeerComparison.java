package org.beamsamza.benchmarks.shapes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the shapes side by side on SamzaRunner and its peers, each run in its own JVM ({@link
 * ShapeRun} on that runner's classpath), alternating the runners' order over the rounds, and prints
 * each run's result line and then the summary tables (markdown): events/s, ours / best peer, peak
 * heap and CPU time, medians over the rounds. See benchmarks/peers.sh for the usual invocation.
 *
 * <p>Options ({@code --name=value}): {@code shapes} (all, or names), {@code events} (1000000),
 * {@code directEvents} (the DirectRunner's own event count, default: {@code events}), {@code
 * rounds} (3), {@code runners} (SamzaRunner,FlinkRunner,SparkRunner), {@code parallelism} (2),
 * {@code heap} (4g, every JVM's -Xmx), {@code timeoutMinutes} (30, per run), {@code logDir} (each
 * run's output), and {@code cp.RUNNER} (that runner's classpath; required for each runner run).
 * Extra JVM flags for every run: {@code jvmArgs} (space-separated). {@code fromLogs=DIR} runs
 * nothing and prints the tables of the runs whose logs are in DIR (a {@code logDir} of an earlier
 * invocation, e.g. one stopped before its last round).
 */
public final class PeerComparison {
  static final String OURS = "SamzaRunner";

  /**
   * Runners whose best throughput the ratio compares ours with (the DirectRunner is a baseline).
   */
  static final List<String> PEERS = List.of("FlinkRunner", "SparkRunner");

  /** Java 17 hides these from the Flink and Spark runners' reflection (given to every run). */
  static final List<String> OPENS =
      List.of(
          "java.lang",
          "java.lang.invoke",
          "java.lang.reflect",
          "java.io",
          "java.net",
          "java.nio",
          "java.util",
          "java.util.concurrent",
          "java.util.concurrent.atomic",
          "sun.nio.ch",
          "sun.nio.cs",
          "sun.security.action",
          "sun.util.calendar");

  /** One run's parsed result line. */
  record Run(String shape, String runner, int round, long events, Map<String, String> fields) {
    String status() {
      return fields.getOrDefault("status", "failed");
    }

    boolean ok() {
      return status().equals("ok");
    }

    double number(String name) {
      return Double.parseDouble(fields.get(name));
    }
  }

  private final Map<String, String> opts = new LinkedHashMap<>();
  private final List<Run> runs = new ArrayList<>();

  private PeerComparison(String[] args) {
    opts.put("shapes", "all");
    opts.put("events", "1000000");
    opts.put("rounds", "3");
    opts.put("runners", "SamzaRunner,FlinkRunner,SparkRunner");
    opts.put("parallelism", "2");
    opts.put("heap", "4g");
    opts.put("timeoutMinutes", "30");
    opts.put(
        "logDir", Paths.get(System.getProperty("java.io.tmpdir"), "beamsamza-peers").toString());
    opts.put("jvmArgs", "");
    opts.put("fromLogs", "");
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      String name = arg.substring(2, eq);
      if (!opts.containsKey(name) && !name.startsWith("cp.") && !name.equals("directEvents")) {
        throw new IllegalArgumentException(
            "unknown option --" + name + "; options: " + opts.keySet());
      }
      opts.put(name, arg.substring(eq + 1));
    }
  }

  public static void main(String[] args) throws Exception {
    PeerComparison c = new PeerComparison(args);
    int failed = c.opts.get("fromLogs").isEmpty() ? c.runAll() : c.readLogs();
    c.printSummary();
    System.exit(failed > 0 ? 1 : 0);
  }

  /** The runner's own pipeline options for equal parallelism. */
  static List<String> runnerOptions(String runner, int parallelism) {
    switch (runner) {
      case "SamzaRunner":
        return List.of(
            "--runner=SamzaRunner", "--parallelism=" + parallelism, "--containers=" + parallelism);
      case "FlinkRunner":
        return List.of("--runner=FlinkRunner", "--parallelism=" + parallelism);
      case "SparkRunner":
        return List.of("--runner=SparkRunner", "--sparkMaster=local[" + parallelism + "]");
      case "DirectRunner":
        return List.of("--runner=DirectRunner", "--targetParallelism=" + parallelism);
      default:
        throw new IllegalArgumentException("unknown runner " + runner);
    }
  }

  private long eventsFor(String runner) {
    String direct = opts.get("directEvents");
    return runner.equals("DirectRunner") && direct != null
        ? Long.parseLong(direct)
        : Long.parseLong(opts.get("events"));
  }

  /** Every (round, shape, runner), the runners' order rotated by one each round. */
  private int runAll() throws IOException, InterruptedException {
    List<Shape> shapes = Shapes.parse(opts.get("shapes"));
    List<String> runners = List.of(opts.get("runners").split(","));
    int rounds = Integer.parseInt(opts.get("rounds"));
    Path logDir = Files.createDirectories(Paths.get(opts.get("logDir")));
    System.out.printf(
        "peers: shapes=%s runners=%s rounds=%d events=%s directEvents=%s parallelism=%s heap=%s"
            + " cores=%d logs=%s%n",
        Shapes.names(shapes),
        runners,
        rounds,
        opts.get("events"),
        opts.getOrDefault("directEvents", opts.get("events")),
        opts.get("parallelism"),
        opts.get("heap"),
        Runtime.getRuntime().availableProcessors(),
        logDir);
    int failed = 0;
    for (int round = 1; round <= rounds; round++) {
      List<String> order = new ArrayList<>(runners);
      Collections.rotate(order, -(round - 1));
      for (Shape shape : shapes) {
        for (String runner : order) {
          Run run = runOne(shape.name(), runner, round, logDir);
          runs.add(run);
          failed += run.status().equals("failed") ? 1 : 0;
        }
      }
    }
    return failed;
  }

  private Run runOne(String shape, String runner, int round, Path logDir)
      throws IOException, InterruptedException {
    String cp = opts.get("cp." + runner);
    if (cp == null) {
      throw new IllegalArgumentException("no --cp." + runner + "=<classpath>");
    }
    long events = eventsFor(runner);
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    OPENS.forEach(p -> cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
    cmd.add("-Xmx" + opts.get("heap"));
    // the runners' INFO logs would cost them time and bury the result line
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-Dlog4j2.configurationFile=peers-log4j2.properties");
    // Spark's web UI is not part of processing (SparkConf reads spark.* system properties)
    cmd.add("-Dspark.ui.enabled=false");
    for (String extra : opts.get("jvmArgs").trim().split("\\s+")) {
      if (!extra.isEmpty()) {
        cmd.add(extra);
      }
    }
    cmd.addAll(List.of("-cp", cp, ShapeRun.class.getName(), "--shape=" + shape));
    cmd.add("--events=" + events);
    cmd.addAll(runnerOptions(runner, Integer.parseInt(opts.get("parallelism"))));
    Path log = logDir.resolve(String.format("r%d-%s-%s.log", round, shape, runner));
    Process process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long timeout = Long.parseLong(opts.get("timeoutMinutes"));
    Map<String, String> fields = new LinkedHashMap<>();
    if (!process.waitFor(timeout, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      fields.put("status", "failed");
      fields.put("reason", "timed out after " + timeout + " min");
    } else {
      fields = parse(Files.readAllLines(log));
      if (fields.isEmpty()) {
        fields.put("status", "failed");
        fields.put("reason", "no result line, exit " + process.exitValue() + " (see " + log + ")");
      }
    }
    Run run = new Run(shape, runner, round, events, fields);
    System.out.printf(
        "round %d %-24s %-12s %s%n",
        round,
        shape,
        runner,
        run.ok()
            ? String.format(
                Locale.ROOT,
                "%9.0f events/s  %7.2f s  peak heap %5s MB  cpu %7s s  (%d events)",
                run.number("eventsPerSec"),
                run.number("seconds"),
                fields.get("peakHeapMb"),
                fields.get("cpuSeconds"),
                events)
            : run.status() + ": " + fields.getOrDefault("reason", "") + " (log " + log + ")");
    return run;
  }

  private static final Pattern LOG_NAME = Pattern.compile("r(\\d+)-(.+)-(\\w+Runner)\\.log");

  /** The runs logged in {@code fromLogs}, ordered as {@link #runAll} would have run them. */
  private int readLogs() throws IOException {
    List<String> shapeOrder = Shapes.names(Shapes.all());
    List<String> runnerOrder = List.of(opts.get("runners").split(","));
    List<Run> found = new ArrayList<>();
    try (Stream<Path> logs = Files.list(Paths.get(opts.get("fromLogs")))) {
      for (Path log : (Iterable<Path>) logs.sorted()::iterator) {
        Matcher m = LOG_NAME.matcher(log.getFileName().toString());
        if (!m.matches() || !runnerOrder.contains(m.group(3))) {
          continue;
        }
        Map<String, String> fields = parse(Files.readAllLines(log));
        if (fields.isEmpty()) {
          System.out.println("skipped " + log + ": no result line (unfinished or crashed)");
          continue;
        }
        found.add(
            new Run(
                m.group(2),
                m.group(3),
                Integer.parseInt(m.group(1)),
                Long.parseLong(fields.getOrDefault("events", "0")),
                fields));
      }
    }
    found.sort(
        Comparator.comparingInt(Run::round)
            .thenComparingInt(r -> shapeOrder.indexOf(r.shape()))
            .thenComparingInt(r -> runnerOrder.indexOf(r.runner())));
    runs.addAll(found);
    System.out.printf("%d runs read from %s%n", runs.size(), opts.get("fromLogs"));
    return (int) runs.stream().filter(r -> r.status().equals("failed")).count();
  }

  /** The fields of the last {@link ShapeRun} result line; {@code reason} takes the rest. */
  static Map<String, String> parse(List<String> lines) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : lines) {
      if (!line.startsWith(ShapeRun.PREFIX + " ")) {
        continue;
      }
      fields.clear();
      String rest = line.substring(ShapeRun.PREFIX.length() + 1);
      int reason = rest.indexOf(" reason=");
      if (reason >= 0) {
        fields.put("reason", rest.substring(reason + " reason=".length()));
        rest = rest.substring(0, reason);
      }
      for (String field : rest.split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
    }
    return fields;
  }

  private void printSummary() {
    List<String> shapes = new ArrayList<>();
    List<String> runners = new ArrayList<>();
    for (Run r : runs) {
      if (!shapes.contains(r.shape())) {
        shapes.add(r.shape());
      }
      if (!runners.contains(r.runner())) {
        runners.add(r.runner());
      }
    }
    System.out.println();
    System.out.println(
        "Median over rounds of events/s (pipeline run() to waitUntilFinish(), no JVM start);"
            + " ours / best peer = median over rounds of SamzaRunner / max(FlinkRunner,"
            + " SparkRunner) in that round:");
    System.out.println();
    table(shapes, runners, r -> r.number("eventsPerSec"), true, true);
    System.out.println();
    System.out.println("Median peak heap, MB (sum of the heap pools' peaks during the run):");
    System.out.println();
    table(shapes, runners, r -> r.number("peakHeapMb"), true, false);
    System.out.println();
    System.out.println("Median process CPU time during the run, s:");
    System.out.println();
    table(shapes, runners, r -> r.number("cpuSeconds"), false, false);
    List<String> notes = new ArrayList<>();
    for (Run r : runs) {
      if (!r.ok()) {
        String note =
            String.format(
                "%s on %s: %s: %s",
                r.shape(), r.runner(), r.status(), r.fields().getOrDefault("reason", ""));
        if (!notes.contains(note)) {
          notes.add(note);
        }
      }
    }
    if (!notes.isEmpty()) {
      System.out.println();
      System.out.println("Not ok:");
      notes.forEach(n -> System.out.println("- " + n));
    }
  }

  /**
   * One markdown row per shape, one column per runner: the median of {@code metric} over the ok
   * runs (as an integer if {@code integral}), else n/a (the runner cannot run the shape) or FAILED;
   * with {@code withRatio} also the median over rounds of ours / best peer.
   */
  private void table(
      List<String> shapes,
      List<String> runners,
      Function<Run, Double> metric,
      boolean integral,
      boolean withRatio) {
    StringBuilder header = new StringBuilder("| shape |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String runner : runners) {
      header.append(' ').append(runner).append(" |");
      rule.append("---:|");
    }
    if (withRatio) {
      header.append(" ours / best peer |");
      rule.append("---:|");
    }
    System.out.println(header);
    System.out.println(rule);
    for (String shape : shapes) {
      StringBuilder row = new StringBuilder("| " + shape + " |");
      for (String runner : runners) {
        List<Double> values = new ArrayList<>();
        String status = "n/a";
        for (Run r : runs) {
          if (r.shape().equals(shape) && r.runner().equals(runner)) {
            if (r.ok()) {
              values.add(metric.apply(r));
            } else if (r.status().equals("failed")) {
              status = "FAILED";
            }
          }
        }
        row.append(' ')
            .append(values.isEmpty() ? status : format(median(values), integral))
            .append(" |");
      }
      if (withRatio) {
        List<Double> ratios = new ArrayList<>();
        for (Run ours : runs) {
          if (ours.shape().equals(shape) && ours.runner().equals(OURS) && ours.ok()) {
            double best = 0;
            for (Run peer : runs) {
              if (peer.shape().equals(shape)
                  && peer.round() == ours.round()
                  && PEERS.contains(peer.runner())
                  && peer.ok()) {
                best = Math.max(best, metric.apply(peer));
              }
            }
            if (best > 0) {
              ratios.add(metric.apply(ours) / best);
            }
          }
        }
        row.append(' ')
            .append(ratios.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", median(ratios)))
            .append(" |");
      }
      System.out.println(row);
    }
  }

  private static String format(double value, boolean big) {
    return String.format(Locale.ROOT, big ? "%,.0f" : "%.1f", value);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
