package org.beamsamza.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A streaming soak: an unbounded source at a fixed rate runs for a fixed wall time on the
 * SamzaRunner (local embedded mode, RocksDB state unless told otherwise) and we watch whether heap,
 * watermark lag and result latency stay flat.
 *
 * <p>Pipeline: {@code GenerateSequence.from(0).withRate(rate, 1 s)} (split into {@code
 * --parallelism} counting sources with a stride; Beam's counting source paces every split by the
 * value it has reached, so the splits together produce {@code rate} elements/s; event timestamp and
 * watermark = wall clock at generation) -&gt; {@code value % keys} as key -&gt; fixed windows of
 * {@code --windowSeconds} -&gt; {@code Count.perKey()} -&gt; a sink that records, per window
 * result, the wall clock at which it is seen minus the window's end (end-to-end latency). A second
 * branch takes every 100th element, keys it by one constant key and feeds a stateful DoFn whose
 * event-time timer fires once per second: the wall clock at firing minus the timer's timestamp is
 * the <b>watermark lag</b> at that step (after one exchange; the source's own watermark is the wall
 * clock, so this is what the pipeline adds).
 *
 * <p>The main thread samples heap used after {@code System.gc()} every {@code --sampleSeconds}. At
 * the end it cancels the job and prints, for the first and the last minute: heap after GC,
 * watermark lag, latency p50/p99/max, results and the input rate achieved (elements counted in
 * windows that end in that minute), then checks that no window was lost (every key has one result
 * in every window between the first complete and the last one seen). Exit code 1 if any was lost.
 *
 * <p>Results are kept in arrays sized up front, so the recording itself does not grow the heap.
 *
 * <pre>
 * java -Xmx1g -cp "$CP" org.beamsamza.benchmarks.StreamingSoakBenchmark --minutes=10 --rate=3000
 * </pre>
 */
public final class StreamingSoakBenchmark {

  // Recorded by the sink (one JVM: local embedded mode). Indexed by an atomic counter.
  static long[] resultWindowStart;
  static int[] resultKey;
  static long[] resultCount;
  static long[] resultSeenAt;
  static final AtomicInteger RESULTS = new AtomicInteger();
  static final AtomicLong DROPPED = new AtomicLong();
  // Recorded by the watermark probe.
  static long[] probeAt;
  static long[] probeLag;
  static final AtomicInteger PROBES = new AtomicInteger();

  static final class RecordResult extends DoFn<KV<Integer, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<Integer, Long> kv, BoundedWindow window) {
      long now = System.currentTimeMillis();
      int i = RESULTS.getAndIncrement();
      if (i >= resultSeenAt.length) {
        DROPPED.incrementAndGet();
        return;
      }
      IntervalWindow w = (IntervalWindow) window;
      resultWindowStart[i] = w.start().getMillis();
      resultKey[i] = kv.getKey();
      resultCount[i] = kv.getValue();
      resultSeenAt[i] = now; // written last; read only after the job is cancelled
    }
  }

  /** Event-time timer once per second; lag = wall clock at firing - timer timestamp. */
  static final class WatermarkProbe extends DoFn<KV<String, Long>, Void> {
    @StateId("armed")
    private final StateSpec<ValueState<Boolean>> armed = StateSpecs.value();

    @TimerId("tick")
    private final TimerSpec tick = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, Long> e,
        @Timestamp Instant ts,
        @StateId("armed") ValueState<Boolean> armed,
        @TimerId("tick") Timer tick) {
      if (armed.read() == null) {
        armed.write(true);
        tick.set(new Instant((ts.getMillis() / 1000 + 1) * 1000));
      }
    }

    @OnTimer("tick")
    public void onTick(OnTimerContext c, @TimerId("tick") Timer tick) {
      long now = System.currentTimeMillis();
      long t = c.timestamp().getMillis();
      int i = PROBES.getAndIncrement();
      if (i < probeAt.length) {
        probeAt[i] = now;
        probeLag[i] = now - t;
      }
      tick.set(new Instant(t + 1000));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("minutes", "10");
    own.put("rate", "3000");
    own.put("keys", "300");
    own.put("windowSeconds", "1");
    own.put("sampleSeconds", "10");
    List<String> pass = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
      if (name != null && own.containsKey(name)) {
        own.put(name, arg.substring(eq + 1));
      } else if (arg.startsWith("--")) {
        pass.add(arg);
      } else {
        System.err.println("usage: StreamingSoakBenchmark [--name=value ...]; own: " + own);
        System.exit(2);
      }
    }
    double minutes = Double.parseDouble(own.get("minutes"));
    long rate = Long.parseLong(own.get("rate"));
    int keys = Integer.parseInt(own.get("keys"));
    long windowMs = Long.parseLong(own.get("windowSeconds")) * 1000;
    long sampleMs = Long.parseLong(own.get("sampleSeconds")) * 1000;
    long durationMs = (long) (minutes * 60_000);

    pass.add("--runner=SamzaRunner");
    pass.add("--streaming");
    SamzaPipelineOptions options =
        PipelineOptionsFactory.fromArgs(pass.toArray(new String[0])).as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setJobName("streaming-soak");
    int splits = options.getParallelism();

    int capacity = (int) ((durationMs / windowMs + 120) * keys * 3 / 2);
    resultWindowStart = new long[capacity];
    resultKey = new int[capacity];
    resultCount = new long[capacity];
    resultSeenAt = new long[capacity];
    probeAt = new long[(int) (durationMs / 1000 + 600)];
    probeLag = new long[probeAt.length];

    Pipeline p = Pipeline.create(options);
    PCollection<Long> input =
        p.apply("Generate", GenerateSequence.from(0).withRate(rate, Duration.standardSeconds(1)));
    input
        .apply(
            "Key",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs()))
                .via((Long v) -> KV.of((int) (v % keys), v)))
        .apply("Window", Window.into(FixedWindows.of(Duration.millis(windowMs))))
        .apply("CountPerKey", Count.perKey())
        .apply("RecordResult", ParDo.of(new RecordResult()));
    input
        .apply("EveryHundredth", Filter.by((Long v) -> v % 100 == 0))
        .apply(
            "ProbeKey",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via((Long v) -> KV.of("probe", v)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("WatermarkProbe", ParDo.of(new WatermarkProbe()));

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "StreamingSoakBenchmark: %.1f min, rate=%d/s (over %d splits), keys=%d, windows %d ms,"
            + " heap sample every %d s%n  runnerArgs=%s%n  java %s, %d cores, max heap %d MB,"
            + " jvm args %s%n",
        minutes,
        rate,
        splits,
        keys,
        windowMs,
        sampleMs / 1000,
        pass,
        System.getProperty("java.version"),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        ManagementFactory.getRuntimeMXBean().getInputArguments());

    long start = System.currentTimeMillis();
    PipelineResult result = p.run();
    List<long[]> heap = new ArrayList<>(); // {millis since start, used bytes after GC}
    long next = start + sampleMs;
    while (System.currentTimeMillis() < start + durationMs) {
      long sleep = Math.min(next, start + durationMs) - System.currentTimeMillis();
      if (sleep > 0) {
        // A wait for a timed sample, not for a condition: the soak's clock.
        PipelineResult.State s = result.waitUntilFinish(Duration.millis(sleep));
        if (s != null) {
          System.out.println("job ended early in state " + s);
          System.exit(1);
        }
      }
      if (System.currentTimeMillis() >= next) {
        System.gc();
        long used = memory.getHeapMemoryUsage().getUsed();
        long at = System.currentTimeMillis() - start;
        heap.add(new long[] {at, used});
        System.out.printf(
            Locale.ROOT,
            "  t=%4ds heap after GC %6.1f MB, results %d, probe lags %d%n",
            at / 1000,
            used / 1048576.0,
            Math.min(RESULTS.get(), resultSeenAt.length),
            PROBES.get());
        next += sampleMs;
      }
    }
    long end = System.currentTimeMillis();
    PipelineResult.State cancelled = result.cancel();
    System.out.println("cancel() -> " + cancelled);

    report(start, end, heap, keys, windowMs);
  }

  private static void report(long start, long end, List<long[]> heap, int keys, long windowMs) {
    int n = Math.min(RESULTS.get(), resultSeenAt.length);
    int np = Math.min(PROBES.get(), probeAt.length);
    long firstMinuteEnd = start + 60_000;
    long lastMinuteStart = end - 60_000;

    // Windows: start -> keys seen (count of results), and total elements counted.
    TreeMap<Long, int[]> perWindow = new TreeMap<>();
    Map<Long, Long> elementsPerWindow = new HashMap<>();
    Map<Long, java.util.BitSet> keysPerWindow = new HashMap<>();
    int duplicates = 0;
    for (int i = 0; i < n; i++) {
      if (resultSeenAt[i] == 0) {
        continue; // a result being written when the job was cancelled
      }
      long w = resultWindowStart[i];
      java.util.BitSet seen = keysPerWindow.computeIfAbsent(w, k -> new java.util.BitSet(keys));
      if (seen.get(resultKey[i])) {
        duplicates++;
      }
      seen.set(resultKey[i]);
      perWindow.computeIfAbsent(w, k -> new int[1])[0]++;
      elementsPerWindow.merge(w, resultCount[i], Long::sum);
    }

    String[] labels = {"first minute", "last minute"};
    long[][] spans = {{start, firstMinuteEnd}, {lastMinuteStart, end}};
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"metric", labels[0], labels[1]});
    String[] heapRow = {"heap used after full GC, MB (min-max of samples)", "", ""};
    String[] lagRow = {"watermark lag at probe, ms (p50 / max)", "", ""};
    String[] latRow = {"window result latency, ms (p50 / p99 / max)", "", ""};
    String[] resRow = {"window results seen", "", ""};
    String[] rateRow = {"input rate, elements/s (counted in windows ending then)", "", ""};
    for (int s = 0; s < 2; s++) {
      long from = spans[s][0];
      long to = spans[s][1];
      double hMin = Double.MAX_VALUE;
      double hMax = 0;
      int hn = 0;
      for (long[] h : heap) {
        long at = start + h[0];
        if (at > from && at <= to + 1000) {
          hMin = Math.min(hMin, h[1] / 1048576.0);
          hMax = Math.max(hMax, h[1] / 1048576.0);
          hn++;
        }
      }
      heapRow[s + 1] =
          hn == 0 ? "-" : String.format(Locale.ROOT, "%.1f-%.1f (%d samples)", hMin, hMax, hn);
      long[] lags = new long[np];
      int ln = 0;
      for (int i = 0; i < np; i++) {
        if (probeAt[i] >= from && probeAt[i] < to) {
          lags[ln++] = probeLag[i];
        }
      }
      lags = Arrays.copyOf(lags, ln);
      Arrays.sort(lags);
      lagRow[s + 1] =
          ln == 0
              ? "-"
              : String.format(Locale.ROOT, "%d / %d (%d)", pct(lags, 50), lags[ln - 1], ln);
      long[] lat = new long[n];
      int rn = 0;
      long elements = 0;
      long windowsEnding = 0;
      for (int i = 0; i < n; i++) {
        if (resultSeenAt[i] >= from && resultSeenAt[i] < to) {
          lat[rn++] = resultSeenAt[i] - (resultWindowStart[i] + windowMs);
        }
      }
      for (Map.Entry<Long, Long> e : elementsPerWindow.entrySet()) {
        long wEnd = e.getKey() + windowMs;
        // Whole windows only: skip the first window of the job (it started part way in).
        if (wEnd > from && wEnd <= to && !e.getKey().equals(perWindow.firstKey())) {
          elements += e.getValue();
          windowsEnding++;
        }
      }
      lat = Arrays.copyOf(lat, rn);
      Arrays.sort(lat);
      latRow[s + 1] =
          rn == 0
              ? "-"
              : String.format(Locale.ROOT, "%d / %d / %d", pct(lat, 50), pct(lat, 99), lat[rn - 1]);
      resRow[s + 1] = String.valueOf(rn);
      rateRow[s + 1] =
          windowsEnding == 0
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.0f (%d windows)",
                  elements * 1000.0 / (windowsEnding * windowMs),
                  windowsEnding);
    }
    rows.add(heapRow);
    rows.add(lagRow);
    rows.add(latRow);
    rows.add(resRow);
    rows.add(rateRow);
    System.out.println();
    for (String[] r : rows) {
      System.out.printf(Locale.ROOT, "| %-58s | %-28s | %-28s |%n", r[0], r[1], r[2]);
    }

    // Completeness: every window from the second one seen to the one before the last seen (the
    // last may have been cut short by cancel()) has every key.
    int lost = 0;
    List<String> lostWhere = new ArrayList<>();
    long total = 0;
    if (perWindow.size() >= 2) {
      long first = perWindow.firstKey() + windowMs; // the first whole window
      long last = perWindow.lastKey() - windowMs;
      for (long w = first; w <= last; w += windowMs) {
        java.util.BitSet seen = keysPerWindow.get(w);
        int have = seen == null ? 0 : seen.cardinality();
        if (have < keys) {
          lost += keys - have;
          if (lostWhere.size() < 10) {
            lostWhere.add("window " + new Instant(w) + ": " + have + "/" + keys + " keys");
          }
        }
        total += elementsPerWindow.getOrDefault(w, 0L);
      }
      long windows = (last - first) / windowMs + 1;
      System.out.printf(
          Locale.ROOT,
          "%ntotal: %d results over %d whole windows (%s .. %s), %d elements counted in them"
              + " (%.0f/s); %d duplicate results, %d results not recorded (array full)%n",
          n,
          windows,
          new Instant(first),
          new Instant(last),
          total,
          total * 1000.0 / (windows * windowMs),
          duplicates,
          DROPPED.get());
    }
    if (lost > 0 || perWindow.size() < 2 || duplicates > 0) {
      System.out.println(
          "FAILED: " + lost + " (window, key) results missing, " + duplicates + " duplicates");
      lostWhere.forEach(l -> System.out.println("  " + l));
      System.exit(1);
    }
    System.out.println("no window lost: every key has exactly one result in every whole window");
    System.exit(0);
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private StreamingSoakBenchmark() {}
}
