package org.beamsamza.benchmarks.shapes;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs one shape once on one runner in this JVM and prints one {@value #PREFIX} line that {@link
 * PeerComparison} parses: {@code RESULT shape=.. runner=.. events=.. status=ok|failed|n/a
 * seconds=.. eventsPerSec=.. peakHeapMb=.. cpuSeconds=..} ({@code reason=..} last when not ok).
 *
 * <p>Usage: {@code ShapeRun --shape=NAME --events=N --runner=R <R's pipeline options...>}. The time
 * is that of {@code run()} to {@code waitUntilFinish()}, not the JVM's start or the pipeline's
 * construction; peak heap is the sum of the heap pools' peaks since just before {@code run()}; CPU
 * is the process's CPU time over the same interval. Exits 1 if the run failed or its answer was
 * wrong.
 */
public final class ShapeRun {
  static final String PREFIX = "RESULT";

  /** One checked run. */
  public record Outcome(double seconds, long peakHeapBytes, long cpuNanos) {}

  private ShapeRun() {}

  /**
   * Runs {@code shape} at {@code events} events and checks its answer.
   *
   * @throws AssertionError if the answer is wrong
   */
  public static Outcome run(Shape shape, long events, PipelineOptions options) {
    Map<String, Long> expected = shape.expected(events);
    Pipeline p = Pipeline.create(options);
    shape.expand(p, events);
    // the expected answer and the construction are not the runner's memory or time
    System.gc();
    List<MemoryPoolMXBean> heap = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
        heap.add(pool);
      }
    }
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    PipelineResult result = p.run();
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = processCpuNanos() - cpuStart;
    long peak = 0;
    for (MemoryPoolMXBean pool : heap) {
      peak += pool.getPeakUsage().getUsed();
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended " + state);
    }
    ShapeCheck.verify(result, expected);
    return new Outcome(seconds, peak, cpu);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) {
    String shapeName = null;
    long events = 1_000_000;
    List<String> pipelineArgs = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--shape=")) {
        shapeName = arg.substring("--shape=".length());
      } else if (arg.startsWith("--events=")) {
        events = Long.parseLong(arg.substring("--events=".length()));
      } else {
        pipelineArgs.add(arg);
      }
    }
    if (shapeName == null) {
      System.err.println(
          "usage: ShapeRun --shape=NAME --events=N --runner=R [pipeline options]; shapes: "
              + Shapes.names(Shapes.all()));
      System.exit(2);
    }
    String head = PREFIX + " shape=" + shapeName + " events=" + events;
    int exit = 0;
    try {
      Shape shape = Shapes.named(shapeName);
      PipelineOptions options =
          PipelineOptionsFactory.fromArgs(pipelineArgs.toArray(new String[0])).create();
      String runner = options.getRunner().getSimpleName();
      head += " runner=" + runner;
      String unsupported = shape.unsupportedOn(runner);
      if (unsupported != null) {
        System.out.println(head + " status=n/a reason=" + unsupported);
      } else {
        Outcome o = run(shape, events, options);
        System.out.println(
            head
                + String.format(
                    Locale.ROOT,
                    " status=ok seconds=%.3f eventsPerSec=%.0f peakHeapMb=%.0f cpuSeconds=%.2f",
                    o.seconds(),
                    events / o.seconds(),
                    o.peakHeapBytes() / 1048576.0,
                    o.cpuNanos() / 1e9));
      }
    } catch (Throwable t) {
      t.printStackTrace();
      String reason = String.valueOf(t).replaceAll("\\s+", " ");
      System.out.println(head + " status=failed reason=" + reason);
      exit = 1;
    }
    System.out.flush();
    // the embedded Flink and Spark clusters leave non-daemon threads behind
    System.exit(exit);
  }
}
