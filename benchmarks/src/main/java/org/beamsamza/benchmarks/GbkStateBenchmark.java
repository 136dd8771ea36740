package org.beamsamza.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.beamsamza.benchmarks.StoreBenchmark.CountingChangelog;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.ElementSequence;
import org.beamsamza.state.beam.HoldTrackingStateInternals;
import org.beamsamza.state.beam.InMemoryKeyedStateInternals;
import org.beamsamza.state.beam.KeyValueStateInternals;
import org.beamsamza.state.beam.KeyValueTimers;
import org.beamsamza.state.beam.KeyValueWatermarkHolds;
import org.beamsamza.state.beam.KeyedTimer;
import org.beamsamza.state.beam.KeyedTimers;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.MeteredKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.joda.time.Instant;

/**
 * A GroupByKey-shaped micro benchmark of the state backends, without a pipeline: it drives state
 * and timers the way runners-core's ReduceFnRunner does for a fixed-window GroupByKey.
 *
 * <p>Per input element (keys round-robin in a shuffled order, {@code --perKey} elements each, one
 * 1-minute window): new per-key StateInternals (as the runner creates per element), {@code
 * BagState.add}, {@code WatermarkHoldState.add} (EARLIEST, mirrored into the step's hold index),
 * two {@code ValueState} reads (ReduceFnRunner's finished bits and pane info), and an end-of-window
 * event-time timer set (identical for every element of a window). Then the watermark passes the
 * window: every due timer is polled, and its key's bag is read (checked), the bag, hold and values
 * cleared.
 *
 * <p>Variants, side by side in one JVM, order alternating between rounds, median over rounds (an
 * untimed warm-up run of each first):
 *
 * <ul>
 *   <li>{@code heap}: what the runner uses today: {@link InMemoryKeyedStateInternals} (runners-core
 *       InMemoryStateInternals per key + heap hold index) and {@link KeyedTimers};
 *   <li>{@code cache+memory}: {@link KeyValueStateInternals} (with the step's {@link
 *       ElementSequence}, as {@code KeyValueStateInternalsFactory} creates them), {@link
 *       KeyValueTimers} and {@link KeyValueWatermarkHolds} over metered -> caching -> logged ->
 *       {@link InMemoryKeyValueStore};
 *   <li>{@code cache+rocksdb}: the same over RocksDB.
 * </ul>
 *
 * The logged layer writes to a counting, discarding changelog (see {@link StoreBenchmark}).
 */
public final class GbkStateBenchmark {

  static final String STEP = "gbk";
  static final IntervalWindow WINDOW = new IntervalWindow(new Instant(0), new Instant(60_000));
  static final StateNamespace NS = StateNamespaces.window(IntervalWindow.getCoder(), WINDOW);
  static final StateTag<BagState<Long>> BUF = StateTags.bag("buf", VarLongCoder.of());
  static final StateTag<WatermarkHoldState> HOLD =
      StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST);
  static final StateTag<ValueState<Long>> CLOSED = StateTags.value("closed", VarLongCoder.of());
  static final StateTag<ValueState<Long>> PANE = StateTags.value("pane", VarLongCoder.of());

  /** One backend: per-key state and timers of the step. */
  interface Backend extends AutoCloseable {
    StateInternals state(ByteKey key, String decoded);

    TimerInternals timers(ByteKey key);

    void advanceWatermark(Instant wm);

    /** The next due event-time timer's key, or null. */
    ByteKey pollDue();

    Instant earliestHold();

    boolean timersEmpty();

    @Override
    void close();
  }

  static final class Heap implements Backend {
    final InMemoryKeyedStateInternals state = new InMemoryKeyedStateInternals();
    final KeyedTimers timers = new KeyedTimers();

    @Override
    public StateInternals state(ByteKey key, String decoded) {
      return state.forKey(key, decoded);
    }

    @Override
    public TimerInternals timers(ByteKey key) {
      return timers.forKey(key);
    }

    @Override
    public void advanceWatermark(Instant wm) {
      timers.setInputWatermark(wm);
    }

    @Override
    public ByteKey pollDue() {
      KeyedTimer t = timers.pollDueEventTimer();
      return t == null ? null : t.key();
    }

    @Override
    public Instant earliestHold() {
      return state.earliestHold();
    }

    @Override
    public boolean timersEmpty() {
      return timers.isEmpty();
    }

    @Override
    public void close() {}
  }

  static final class Store implements Backend {
    final KeyValueStore store;
    final KeyValueTimers timers;
    final KeyValueWatermarkHolds holds;
    final ElementSequence sequence;

    Store(KeyValueStore store) {
      this.store = store;
      this.sequence = ElementSequence.open(store, STEP);
      this.timers = new KeyValueTimers(store, STEP, IntervalWindow.getCoder());
      this.holds = new KeyValueWatermarkHolds(store, STEP);
    }

    @Override
    public StateInternals state(ByteKey key, String decoded) {
      return new HoldTrackingStateInternals(
          new KeyValueStateInternals(store, STEP, key.bytes(), decoded, sequence), key, holds);
    }

    @Override
    public TimerInternals timers(ByteKey key) {
      return timers.forKey(key);
    }

    @Override
    public void advanceWatermark(Instant wm) {
      timers.setInputWatermark(wm);
    }

    @Override
    public ByteKey pollDue() {
      KeyedTimer t = timers.pollDueEventTimer();
      return t == null ? null : t.key();
    }

    @Override
    public Instant earliestHold() {
      return holds.earliest();
    }

    @Override
    public boolean timersEmpty() {
      return timers.isEmpty();
    }

    @Override
    public void close() {
      store.close();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o =
        StoreBenchmark.parse(
            args,
            Map.of(
                "keys",
                "100000",
                "perKey",
                "10",
                "rounds",
                "3",
                "cacheEntries",
                "100000",
                "variants",
                "heap,cache+memory,cache+rocksdb",
                "workDir",
                System.getProperty("java.io.tmpdir") + "/beamsamza-gbkstate"));
    int keys = Integer.parseInt(o.get("keys"));
    int perKey = Integer.parseInt(o.get("perKey"));
    int rounds = Integer.parseInt(o.get("rounds"));
    int cacheEntries = Integer.parseInt(o.get("cacheEntries"));
    List<String> variants = List.of(o.get("variants").split(","));
    Path workDir = Path.of(o.get("workDir"));
    long n = (long) keys * perKey;
    System.out.printf(
        Locale.ROOT,
        "GbkStateBenchmark keys=%d perKey=%d (%d elements) rounds=%d cacheEntries=%d cores=%d%n",
        keys,
        perKey,
        n,
        rounds,
        cacheEntries,
        Runtime.getRuntime().availableProcessors());

    ByteKey[] byteKeys = new ByteKey[keys];
    String[] decoded = new String[keys];
    for (int i = 0; i < keys; i++) {
      decoded[i] = "key-" + i;
      byteKeys[i] = new ByteKey(decoded[i].getBytes(StandardCharsets.UTF_8));
    }
    List<Integer> order = new ArrayList<>(keys);
    for (int i = 0; i < keys; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new java.util.Random(42));
    int[] keyOrder = order.stream().mapToInt(Integer::intValue).toArray();

    Map<String, List<double[]>> times = new LinkedHashMap<>();
    for (int round = 0; round <= rounds; round++) {
      List<String> vs = new ArrayList<>(variants);
      if (round % 2 == 1) {
        Collections.reverse(vs);
      }
      for (String v : vs) {
        StoreBenchmark.deleteRecursively(workDir);
        Files.createDirectories(workDir);
        try (Backend b = open(v, cacheEntries, workDir)) {
          double[] t = run(b, byteKeys, decoded, keyOrder, perKey);
          System.out.printf(
              Locale.ROOT,
              "  round %d %-14s ingest %6.2f s  fire %6.2f s  %8.0f elements/s%s%n",
              round,
              v,
              t[0],
              t[1],
              n / (t[0] + t[1]),
              round == 0 ? "  (warm-up)" : "");
          if (round > 0) {
            times.computeIfAbsent(v, k -> new ArrayList<>()).add(t);
          }
        }
      }
    }
    StoreBenchmark.deleteRecursively(workDir);
    System.out.printf(
        Locale.ROOT,
        "%n%-14s %10s %10s %14s %10s%n",
        "variant",
        "ingest s",
        "fire s",
        "elements/s",
        "vs heap");
    double heapRate = Double.NaN;
    for (String v : variants) {
      List<double[]> ts = times.get(v);
      if (ts == null) {
        continue; // --rounds=0: the warm-up only (e.g. for profiling)
      }
      double ingest = StoreBenchmark.median(ts.stream().map(t -> t[0]).toList());
      double fire = StoreBenchmark.median(ts.stream().map(t -> t[1]).toList());
      double rate = n / StoreBenchmark.median(ts.stream().map(t -> t[0] + t[1]).toList());
      if (v.equals("heap")) {
        heapRate = rate;
      }
      System.out.printf(
          Locale.ROOT,
          "%-14s %10.2f %10.2f %14.0f %9.2fx%n",
          v,
          ingest,
          fire,
          rate,
          rate / heapRate);
    }
  }

  static Backend open(String variant, int cacheEntries, Path workDir) throws IOException {
    return switch (variant) {
      case "heap" -> new Heap();
      case "cache+memory" -> new Store(stack(new InMemoryKeyValueStore(), cacheEntries));
      case "cache+rocksdb" ->
          new Store(
              stack(
                  new RocksDbKeyValueStore(
                      Files.createDirectories(workDir.resolve("rocksdb")).toFile(),
                      RocksDbStoreConfig.defaults()),
                  cacheEntries));
      case "memory" -> new Store(new InMemoryKeyValueStore());
      default -> throw new IllegalArgumentException("unknown variant " + variant);
    };
  }

  static KeyValueStore stack(KeyValueStore bottom, int cacheEntries) {
    return new MeteredKeyValueStore(
        new CachingKeyValueStore(
            new LoggedKeyValueStore(bottom, new CountingChangelog()), cacheEntries));
  }

  /** Returns {ingest seconds, fire seconds}; throws if any result is wrong. */
  static double[] run(Backend b, ByteKey[] byteKeys, String[] decoded, int[] keyOrder, int perKey) {
    Instant eow = WINDOW.maxTimestamp();
    long t0 = System.nanoTime();
    for (int e = 0; e < perKey; e++) {
      for (int k : keyOrder) {
        StateInternals s = b.state(byteKeys[k], decoded[k]);
        ValueState<Long> closed = s.state(NS, CLOSED);
        if (closed.read() != null) {
          throw new IllegalStateException("closed");
        }
        s.state(NS, BUF).add((long) k * perKey + e);
        s.state(NS, HOLD).add(new Instant(e * 1000L));
        s.state(NS, PANE).read();
        b.timers(byteKeys[k]).setTimer(NS, "end", "", eow, eow, TimeDomain.EVENT_TIME);
      }
    }
    if (!new Instant(0).equals(b.earliestHold())) {
      throw new IllegalStateException("earliest hold " + b.earliestHold());
    }
    long t1 = System.nanoTime();
    b.advanceWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    long fired = 0;
    long sum = 0;
    long count = 0;
    ByteKey key;
    while ((key = b.pollDue()) != null) {
      fired++;
      String dec = new String(key.bytes(), StandardCharsets.UTF_8);
      StateInternals s = b.state(key, dec);
      BagState<Long> bag = s.state(NS, BUF);
      long prev = -1;
      for (long v : bag.read()) {
        if (v <= prev) {
          throw new IllegalStateException("bag out of order for " + dec);
        }
        prev = v;
        sum += v;
        count++;
      }
      bag.clear();
      s.state(NS, HOLD).clear();
      s.state(NS, CLOSED).clear();
      s.state(NS, PANE).clear();
    }
    long t2 = System.nanoTime();
    long n = (long) byteKeys.length * perKey;
    if (fired != byteKeys.length
        || count != n
        || sum != n * (n - 1) / 2
        || b.earliestHold() != null
        || !b.timersEmpty()) {
      throw new IllegalStateException(
          "wrong result: fired="
              + fired
              + " count="
              + count
              + " sum="
              + sum
              + " hold="
              + b.earliestHold());
    }
    return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
  }

  private GbkStateBenchmark() {}
}
