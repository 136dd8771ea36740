package org.beamsamza.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.MeteredKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;

/**
 * put / get / putAll throughput of the production store stack (metered -> caching -> logged ->
 * RocksDB) against a raw {@link RocksDbKeyValueStore}, side by side in one JVM.
 *
 * <p>Two working sets: {@code fits} ({@code --cacheEntries / 2} keys, every get after the load is a
 * cache hit) and {@code exceeds} ({@code 4 x --cacheEntries} keys, most gets miss the cache and
 * most puts evict). Per working set both stores are opened once and loaded; then every round times,
 * for each store (order alternating between rounds), {@code put} of every key in random order with
 * new values, {@code get} of as many random existing keys, and {@code putAll} of every key in
 * batches of {@code --batch}, and a scan of the whole store in key order. Write timings include a
 * final {@code flush()} (a commit), so write-back caching cannot hide the writes. The result is the
 * median over rounds (the first, untimed round warms the JIT up).
 *
 * <p>The logged layer writes to a {@link CountingChangelog}: it counts records and bytes and keeps
 * nothing, so the logged layer's cost is its own bookkeeping, not a producer's. (A real changelog
 * adds serialization and network cost; that is out of scope for a store benchmark.)
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
 *   org.beamsamza.benchmarks.StoreBenchmark --rounds=5 --cacheEntries=100000
 * </pre>
 */
public final class StoreBenchmark {

  /** A changelog that counts and discards (documented no-op cost). */
  static final class CountingChangelog implements ChangelogWriter {
    long records;
    long bytes;

    @Override
    public void write(byte[] key, byte[] value) {
      records++;
      bytes += key.length + (value == null ? 0 : value.length);
    }

    @Override
    public void flush() {}
  }

  private static final String[] OPS = {"put", "get", "putAll", "scan"};

  public static void main(String[] args) throws IOException {
    Map<String, String> o =
        parse(
            args,
            Map.of(
                "rounds",
                "5",
                "cacheEntries",
                "100000",
                "valueBytes",
                "100",
                "batch",
                "100",
                "workDir",
                System.getProperty("java.io.tmpdir") + "/beamsamza-storebench",
                "sets",
                "fits,exceeds"));
    int rounds = Integer.parseInt(o.get("rounds"));
    int cacheEntries = Integer.parseInt(o.get("cacheEntries"));
    int valueBytes = Integer.parseInt(o.get("valueBytes"));
    int batch = Integer.parseInt(o.get("batch"));
    Path workDir = Path.of(o.get("workDir"));
    System.out.printf(
        Locale.ROOT,
        "StoreBenchmark rounds=%d cacheEntries=%d valueBytes=%d batch=%d cores=%d%n",
        rounds,
        cacheEntries,
        valueBytes,
        batch,
        Runtime.getRuntime().availableProcessors());
    for (String set : o.get("sets").split(",")) {
      int n = set.equals("fits") ? cacheEntries / 2 : cacheEntries * 4;
      runSet(set, n, rounds, cacheEntries, valueBytes, batch, workDir);
    }
  }

  private static void runSet(
      String set, int n, int rounds, int cacheEntries, int valueBytes, int batch, Path workDir)
      throws IOException {
    deleteRecursively(workDir);
    Files.createDirectories(workDir);
    byte[][] keys = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = ByteBuffer.allocate(16).putLong(0x6b65792dL).putLong(mix(i)).array();
    }
    CountingChangelog changelog = new CountingChangelog();
    Map<String, KeyValueStore> stores = new LinkedHashMap<>();
    stores.put(
        "raw-rocksdb",
        new RocksDbKeyValueStore(dir(workDir, "raw"), RocksDbStoreConfig.defaults()));
    stores.put(
        "full-stack",
        new MeteredKeyValueStore(
            new CachingKeyValueStore(
                new LoggedKeyValueStore(
                    new RocksDbKeyValueStore(dir(workDir, "full"), RocksDbStoreConfig.defaults()),
                    changelog),
                cacheEntries)));
    SplittableRandom rnd = new SplittableRandom(42);
    for (KeyValueStore s : stores.values()) {
      load(s, keys, valueBytes, rnd, batch);
    }
    // op -> store -> seconds per round
    Map<String, Map<String, List<Double>>> times = new LinkedHashMap<>();
    for (int round = 0; round <= rounds; round++) {
      List<String> order = new ArrayList<>(stores.keySet());
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (String name : order) {
        KeyValueStore s = stores.get(name);
        int[] perm = permutation(n, rnd);
        int r = round;
        double[] t = {
          time(
              () -> {
                putEach(s, keys, perm, valueBytes, r);
                s.flush();
              }),
          time(() -> getEach(s, keys, perm)),
          time(
              () -> {
                putAllBatches(s, keys, perm, valueBytes, r, batch);
                s.flush();
              }),
          time(() -> scanAll(s, n))
        };
        if (round > 0) {
          for (int i = 0; i < OPS.length; i++) {
            times
                .computeIfAbsent(OPS[i], k -> new LinkedHashMap<>())
                .computeIfAbsent(name, k -> new ArrayList<>())
                .add(t[i]);
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%n== working set '%s': %d keys (16 B) x %d B values, cache %d entries%n",
        set,
        n,
        valueBytes,
        cacheEntries);
    System.out.printf(
        Locale.ROOT, "%-7s %16s %16s %10s%n", "op", "raw-rocksdb", "full-stack", "full/raw");
    for (String op : OPS) {
      double raw = n / median(times.get(op).get("raw-rocksdb"));
      double full = n / median(times.get(op).get("full-stack"));
      System.out.printf(
          Locale.ROOT, "%-7s %12.0f op/s %12.0f op/s %9.2fx%n", op, raw, full, full / raw);
    }
    System.out.printf(
        Locale.ROOT,
        "changelog records written by the full stack: %d (%d MB)%n",
        changelog.records,
        changelog.bytes >> 20);
    for (KeyValueStore s : stores.values()) {
      s.close();
    }
    deleteRecursively(workDir);
  }

  private static void load(
      KeyValueStore s, byte[][] keys, int valueBytes, SplittableRandom rnd, int batch) {
    List<Entry> b = new ArrayList<>(batch);
    for (int i = 0; i < keys.length; i++) {
      b.add(new Entry(keys[i], value(i, -1, valueBytes)));
      if (b.size() == batch) {
        s.putAll(b);
        b = new ArrayList<>(batch);
      }
    }
    if (!b.isEmpty()) {
      s.putAll(b);
    }
    s.flush();
  }

  private static void putEach(
      KeyValueStore s, byte[][] keys, int[] perm, int valueBytes, int round) {
    for (int i : perm) {
      s.put(keys[i], value(i, round, valueBytes));
    }
  }

  private static long sink;

  private static void getEach(KeyValueStore s, byte[][] keys, int[] perm) {
    long x = 0;
    for (int i : perm) {
      byte[] v = s.get(keys[i]);
      if (v == null) {
        throw new IllegalStateException("missing key " + i);
      }
      x += v[0];
    }
    sink += x;
  }

  /** Iterates the whole store in key order (a range scan over every entry). */
  private static void scanAll(KeyValueStore s, int n) {
    long count = 0;
    long x = 0;
    try (KeyValueIterator it = s.all()) {
      while (it.hasNext()) {
        x += it.next().value()[0];
        count++;
      }
    }
    if (count != n) {
      throw new IllegalStateException("scanned " + count + " entries, expected " + n);
    }
    sink += x;
  }

  private static void putAllBatches(
      KeyValueStore s, byte[][] keys, int[] perm, int valueBytes, int round, int batch) {
    List<Entry> b = new ArrayList<>(batch);
    for (int i : perm) {
      b.add(new Entry(keys[i], value(i, round, valueBytes)));
      if (b.size() == batch) {
        s.putAll(b);
        b = new ArrayList<>(batch);
      }
    }
    if (!b.isEmpty()) {
      s.putAll(b);
    }
  }

  private static byte[] value(int i, int round, int valueBytes) {
    byte[] v = new byte[valueBytes];
    long x = mix(i * 31L + round);
    for (int j = 0; j < valueBytes; j += 8) {
      for (int k = 0; k < 8 && j + k < valueBytes; k++) {
        v[j + k] = (byte) (x >>> (8 * k));
      }
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    return v;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private static int[] permutation(int n, SplittableRandom rnd) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private static File dir(Path root, String name) throws IOException {
    return Files.createDirectories(root.resolve(name)).toFile();
  }

  static void deleteRecursively(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> parse(String[] args, Map<String, String> defaults) {
    Map<String, String> out = new LinkedHashMap<>(defaults);
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("expected --name=value: " + a);
      }
      String k = a.substring(2, a.indexOf('='));
      if (!out.containsKey(k)) {
        throw new IllegalArgumentException("unknown option --" + k + "; known: " + out.keySet());
      }
      out.put(k, a.substring(a.indexOf('=') + 1));
    }
    return out;
  }

  private StoreBenchmark() {}
}
