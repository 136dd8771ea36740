package org.beamsamza.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.kafka.KafkaSystemFactory;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.storage.StoreRestoreStats;
import org.beamsamza.runtime.storage.StoreSystems;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.state.engine.KeyValueStorageEngineFactory;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * Changelog restore throughput: fills one partition of an in-memory changelog with {@code
 * --records} records ({@code --keyBytes}-byte distinct keys in random order, {@code
 * --valueBytes}-byte random values), then restores a task's store from it through the real path the
 * container uses ({@link TaskStorageManager#getStore}: a consumer of its own, the changelog reader,
 * {@code ChangelogRestorer} write batches into the bottom store) into each backend of {@code
 * --backends}, wiping the store directory before every round. Prints MB/s (key + value bytes, 10^6)
 * and records/s per round and the median over {@code --rounds} (after one untimed warm-up round),
 * and checks after each round that the store holds exactly the expected records (count, and a
 * sample of values).
 *
 * <pre>
 * java -Xmx4g -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
 *     org.beamsamza.benchmarks.RestoreBenchmark --records=1000000 --valueBytes=1000 --rounds=3
 * </pre>
 */
public final class RestoreBenchmark {

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("records", "1000000");
    opts.put("keyBytes", "16");
    opts.put("valueBytes", "1000");
    opts.put("rounds", "3");
    opts.put("backends", "rocksdb,memory");
    opts.put("batchSize", "");
    opts.put("writeBufferMb", "");
    opts.put("changelogs", "memory");
    opts.put("kafkaConfig", "");
    opts.put("restoreStallMs", "");
    opts.put(
        "workDir",
        Path.of(System.getProperty("java.io.tmpdir"), "beamsamza-restore-bench").toString());
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0 || !opts.containsKey(a.substring(2, eq))) {
        System.err.println(
            "usage: RestoreBenchmark "
                + opts.keySet().stream().map(k -> "--" + k + "=...").toList()
                + "; defaults "
                + opts);
        System.exit(2);
      }
      opts.put(a.substring(2, eq), a.substring(eq + 1));
    }
    int keyBytes = Integer.parseInt(opts.get("keyBytes"));
    Path workDir = Path.of(opts.get("workDir"));
    if (keyBytes < 8) {
      throw new IllegalArgumentException(
          "--keyBytes must be >= 8 (keys are distinct longs, padded)");
    }

    boolean ok = true;
    EmbeddedKafkaBroker broker = null;
    try {
      for (String changelog : opts.get("changelogs").split(",")) {
        String system;
        SystemFactory factory;
        Config systemConfig;
        InMemoryStreams streams = null;
        switch (changelog) {
          case "memory" -> {
            system = "mem";
            streams = new InMemoryStreams();
            factory = new InMemorySystemFactory(streams);
            systemConfig = Config.empty();
          }
          case "kafka" -> {
            if (broker == null) {
              broker = EmbeddedKafkaBroker.start();
            }
            system = "kafka";
            factory = new KafkaSystemFactory();
            systemConfig = broker.systemConfig(system, kafkaSettings(opts.get("kafkaConfig")));
          }
          default ->
              throw new IllegalArgumentException(
                  "--changelogs: 'memory' or 'kafka', was '" + changelog + "'");
        }
        ok &= run(changelog, system, factory, systemConfig, streams, opts);
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
    wipe(workDir);
    if (!ok) {
      System.exit(1);
    }
  }

  /** Fills a changelog of one kind and restores each backend from it; false if a check failed. */
  private static boolean run(
      String changelog,
      String system,
      SystemFactory factory,
      Config systemConfig,
      InMemoryStreams streams,
      Map<String, String> opts)
      throws Exception {
    int records = Integer.parseInt(opts.get("records"));
    int keyBytes = Integer.parseInt(opts.get("keyBytes"));
    int valueBytes = Integer.parseInt(opts.get("valueBytes"));
    int rounds = Integer.parseInt(opts.get("rounds"));
    Path workDir = Path.of(opts.get("workDir"));
    TaskModel task = new TaskModel(new TaskName("S-0"), "S", 0, 1, Set.of());
    Map<String, String> base = new LinkedHashMap<>();
    base.put(TaskStorageManager.STORE_BASE_DIR, workDir.toString());
    base.put("stores.bench.factory", KeyValueStorageEngineFactory.class.getName());
    base.put("stores.bench.changelog", system + ".changelog");
    base.putAll(systemConfig.asMap());
    if (!opts.get("batchSize").isEmpty()) {
      base.put(
          "stores.bench." + KeyValueStorageEngineFactory.RESTORE_BATCH_SIZE, opts.get("batchSize"));
    }
    if (!opts.get("restoreStallMs").isEmpty()) {
      base.put("stores.bench." + TaskStorageManager.RESTORE_STALL_MS, opts.get("restoreStallMs"));
    }
    if (!opts.get("writeBufferMb").isEmpty()) {
      base.put(
          "stores.bench.rocksdb.write.buffer.bytes",
          Long.toString(Long.parseLong(opts.get("writeBufferMb")) << 20));
    }
    // Creates the changelog stream (1 partition) exactly as a container would.
    StoreSystems systems = systems(factory, system, systemConfig);
    wipe(workDir);
    TaskStorageManager creator =
        new TaskStorageManager(task, config(base, "memory"), systems, s -> {});
    creator.getStore("bench");
    creator.stop(false);

    SystemStreamPartition ssp = new SystemStream(system, "changelog-S").partition(0);
    SystemProducer producer = streams == null ? factory.getProducer(system, systemConfig) : null;
    if (producer != null) {
      producer.start();
    }
    long t0 = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(42);
    long[] ids = new long[records];
    for (int i = 0; i < records; i++) {
      ids[i] = i;
    }
    for (int i = records - 1; i > 0; i--) { // random key order, as state writes arrive
      int j = rnd.nextInt(i + 1);
      long t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    byte[][] sampleValues = new byte[16][];
    for (int i = 0; i < records; i++) {
      byte[] key = key(ids[i], keyBytes);
      byte[] value = new byte[valueBytes];
      rnd.nextBytes(value);
      if (ids[i] < sampleValues.length) {
        sampleValues[(int) ids[i]] = value;
      }
      if (streams != null) {
        streams.append(ssp, key, value);
      } else {
        producer.send(new OutgoingMessageEnvelope(ssp.getSystemStream(), 0, key, value));
      }
    }
    if (producer != null) {
      producer.flush();
      producer.stop();
    }
    long totalBytes = (long) records * (keyBytes + valueBytes);
    System.out.printf(
        Locale.ROOT,
        "%s changelog: %,d records of %d+%d bytes (%.1f MB) filled in %.1f s; java %s, %d cores%n",
        changelog,
        records,
        keyBytes,
        valueBytes,
        totalBytes / 1e6,
        (System.nanoTime() - t0) / 1e9,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());

    boolean ok = true;
    String backendsOpt = opts.get("backends");
    for (String backend : backendsOpt.split(",")) {
      List<StoreRestoreStats> results = new ArrayList<>();
      for (int round = 0; round <= rounds; round++) {
        wipe(workDir);
        List<StoreRestoreStats> got = new ArrayList<>();
        TaskStorageManager m =
            new TaskStorageManager(task, config(base, backend), systems, got::add);
        KeyValueStore store = (KeyValueStore) m.getStore("bench");
        StoreRestoreStats s = got.get(0);
        String check = verify(store, records, keyBytes, sampleValues);
        Throwable stopFailure = m.stop(false);
        if (check != null || stopFailure != null || s.records() != records) {
          System.out.println(
              "FAILED "
                  + changelog
                  + " changelog, "
                  + backend
                  + ": "
                  + (check != null
                      ? check
                      : stopFailure != null
                          ? stopFailure
                          : "replayed " + s.records() + " records"));
          ok = false;
        }
        String label = round == 0 ? "warm-up" : "round " + round;
        System.out.printf(
            Locale.ROOT,
            "%-6s %-8s %-8s %,9d ms  %7.1f MB/s  %,11.0f records/s%n",
            changelog,
            backend,
            label,
            s.millis(),
            s.megabytesPerSecond(),
            s.records() * 1000.0 / Math.max(1, s.millis()));
        if (round > 0) {
          results.add(s);
        }
      }
      results.sort(Comparator.comparingLong(StoreRestoreStats::millis));
      StoreRestoreStats median = results.get(results.size() / 2);
      System.out.printf(
          Locale.ROOT,
          "%-6s %-8s MEDIAN   %,9d ms  %7.1f MB/s  %,11.0f records/s%n",
          changelog,
          backend,
          median.millis(),
          median.megabytesPerSecond(),
          median.records() * 1000.0 / Math.max(1, median.millis()));
    }
    wipe(workDir);
    return ok;
  }

  /** {@code key=value,...} of --kafkaConfig as {@code systems.kafka.consumer.*} settings. */
  private static Map<String, String> kafkaSettings(String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String kv : spec.split(",")) {
      int eq = kv.indexOf('=');
      out.put("systems.kafka." + kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return out;
  }

  private static byte[] key(long id, int keyBytes) {
    byte[] k = new byte[keyBytes];
    for (int b = 0; b < 8; b++) {
      k[b] = (byte) (id >>> (56 - 8 * b));
    }
    return k;
  }

  /** Checks the restored store's size and a sample of values; null when right. */
  private static String verify(KeyValueStore store, int records, int keyBytes, byte[][] samples) {
    for (int i = 0; i < samples.length && i < records; i++) {
      if (!java.util.Arrays.equals(samples[i], store.get(key(i, keyBytes)))) {
        return "value of key " + i + " differs";
      }
    }
    long n = 0;
    try (var it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n == records ? null : "store holds " + n + " records, expected " + records;
  }

  private static Config config(Map<String, String> base, String backend) {
    Map<String, String> c = new LinkedHashMap<>(base);
    c.put("stores.bench.backend", backend);
    c.put("stores.bench.cache.entries", "0");
    return new Config(c);
  }

  private static StoreSystems systems(SystemFactory factory, String system, Config config) {
    SystemProducer producer = factory.getProducer(system, config);
    return new StoreSystems() {
      @Override
      public SystemAdmin admin(String system) {
        return factory.getAdmin(system, config);
      }

      @Override
      public SystemConsumer newConsumer(String system) {
        return factory.getConsumer(system, config);
      }

      @Override
      public MessageCollector changelogCollector() {
        return producer::send;
      }
    };
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
