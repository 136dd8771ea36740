package org.beamsamza.kafka;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.storage.StorageEngine;
import org.beamsamza.runtime.storage.StorageEngineFactory;
import org.beamsamza.runtime.storage.StoreContext;
import org.beamsamza.runtime.storage.StoreRestoreStats;
import org.beamsamza.runtime.storage.StoreSystems;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.TaskName;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Restoring a store from a Kafka changelog through the container's path ({@link
 * TaskStorageManager#getStore}: a consumer of its own, the changelog reader) on a real broker:
 * every record comes back however slow the consumer, and a newest offset the consumer never
 * delivers (a transaction marker) still ends the restore.
 */
public class KafkaChangelogRestoreTest {
  private static final String SYSTEM = "kafka";
  private static final AtomicInteger JOBS = new AtomicInteger();
  private static EmbeddedKafkaBroker broker;

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<StoreRestoreStats> restores = new ArrayList<>();

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** A heap map of the changelog's keys and values; the store is the engine itself. */
  public static final class MapEngine implements StorageEngine {
    final Map<String, byte[]> map = new HashMap<>();

    @Override
    public Object getStore() {
      return this;
    }

    @Override
    public void restore(Iterator<IncomingMessageEnvelope> records) {
      while (records.hasNext()) {
        IncomingMessageEnvelope e = records.next();
        String k = new String((byte[]) e.getKey(), StandardCharsets.UTF_8);
        if (e.getMessage() == null) {
          map.remove(k);
        } else {
          map.put(k, (byte[]) e.getMessage());
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void stop() {}
  }

  public static final class MapEngineFactory implements StorageEngineFactory {
    @Override
    public StorageEngine getStorageEngine(StoreContext context) {
      return new MapEngine();
    }
  }

  /**
   * A Kafka consumer slowed as a loaded machine slows it: it returns nothing for {@code holdMs}
   * (each empty poll lasting its timeout, as a real poll does) before its first records and again
   * after every {@code every} records.
   */
  static final class HeldBackConsumer implements SystemConsumer {
    private final SystemConsumer delegate;
    private final long holdMs;
    private final int every;
    private long holdUntil = -1;
    private long delivered;
    private long nextHoldAt;
    int holds;

    HeldBackConsumer(SystemConsumer delegate, long holdMs, int every) {
      this.delegate = delegate;
      this.holdMs = holdMs;
      this.every = every;
      this.nextHoldAt = every;
    }

    @Override
    public void register(SystemStreamPartition ssp, String startingOffset) {
      delegate.register(ssp, startingOffset);
    }

    @Override
    public void start() {
      delegate.start();
    }

    @Override
    public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
        Set<SystemStreamPartition> ssps, long timeoutMs) throws InterruptedException {
      long now = System.nanoTime();
      if (holdUntil == -1) {
        hold(now);
      }
      if (now < holdUntil) {
        LockSupport.parkNanos(
            Math.min(holdUntil - now, TimeUnit.MILLISECONDS.toNanos(Math.max(1, timeoutMs))));
        return Map.of();
      }
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> got =
          delegate.poll(ssps, timeoutMs);
      for (List<IncomingMessageEnvelope> batch : got.values()) {
        delivered += batch.size();
      }
      if (delivered >= nextHoldAt) {
        nextHoldAt += every;
        hold(System.nanoTime());
      }
      return got;
    }

    private void hold(long now) {
      holdUntil = now + TimeUnit.MILLISECONDS.toNanos(holdMs);
      holds++;
    }

    @Override
    public String position(SystemStreamPartition ssp) {
      return delegate.position(ssp);
    }

    @Override
    public void stop() {
      delegate.stop();
    }
  }

  private StoreSystems systems(
      Config config, java.util.function.UnaryOperator<SystemConsumer> wrap) {
    KafkaSystemFactory factory = new KafkaSystemFactory();
    KafkaSystemAdmin admin = factory.getAdmin(SYSTEM, config);
    return new StoreSystems() {
      @Override
      public SystemAdmin admin(String system) {
        return admin;
      }

      @Override
      public SystemConsumer newConsumer(String system) {
        return wrap.apply(factory.getConsumer(system, config));
      }

      @Override
      public MessageCollector changelogCollector() {
        return e -> {
          throw new AssertionError("restore-only test: nothing is written through the store");
        };
      }
    };
  }

  private TaskStorageManager manager(Config systemConfig, StoreSystems systems, String stream) {
    Map<String, String> c = new LinkedHashMap<>(systemConfig.asMap());
    c.put(TaskStorageManager.STORE_BASE_DIR, tmp.getRoot().getPath());
    c.put("stores.s.factory", MapEngineFactory.class.getName());
    c.put("stores.s.changelog", SYSTEM + "." + stream);
    TaskModel model = new TaskModel(new TaskName("S-0"), "S", 0, 1, Set.of());
    return new TaskStorageManager(model, new Config(c), systems, restores::add);
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    byte[] v = new byte[100];
    for (int j = 0; j < v.length; j++) {
      v[j] = (byte) (i * 31 + j);
    }
    return v;
  }

  /**
   * The bug: the reader took 200 ms without records for the end of the changelog, so a slow
   * consumer restored part of the store, or nothing, silently. Here the consumer fetches at most 16
   * KiB per request and is held back for 600 ms before its first records and after every 10,000:
   * all 50,000 records must come back, each with its value.
   */
  @Test
  public void slowConsumerRestoresEveryRecordOfTheChangelog() throws Exception {
    String stream = "restore-slow-" + JOBS.incrementAndGet();
    Config config =
        broker.systemConfig(
            SYSTEM,
            Map.of(
                "systems." + SYSTEM + ".consumer.max.partition.fetch.bytes", "16384",
                "systems." + SYSTEM + ".consumer.fetch.max.bytes", "16384",
                "systems." + SYSTEM + ".producer.batch.size", "16384"));
    List<HeldBackConsumer> consumers = new ArrayList<>();
    StoreSystems systems =
        systems(
            config,
            c -> {
              HeldBackConsumer h = new HeldBackConsumer(c, 600, 10_000);
              consumers.add(h);
              return h;
            });
    manager(config, systems, stream).getStore("s"); // creates the compacted changelog
    SystemStream changelog = new SystemStream(SYSTEM, stream + "-S");
    int n = 50_000;
    SystemProducer producer = new KafkaSystemFactory().getProducer(SYSTEM, config);
    producer.start();
    try {
      for (int i = 0; i < n; i++) {
        producer.send(new OutgoingMessageEnvelope(changelog, 0, key(i), value(i)));
      }
      producer.flush();
    } finally {
      producer.stop();
    }
    assertEquals(
        Integer.toString(n - 1), systems.admin(SYSTEM).getNewestOffset(changelog.partition(0)));

    restores.clear();
    MapEngine restored = (MapEngine) manager(config, systems, stream).getStore("s");

    assertEquals(1, restores.size());
    StoreRestoreStats stats = restores.get(0);
    assertEquals(StoreRestoreStats.Mode.FULL, stats.mode());
    assertEquals(Integer.toString(n - 1), stats.endOffset());
    assertEquals(n, stats.records());
    assertEquals(n, restored.map.size());
    for (int i = 0; i < n; i++) {
      byte[] v = restored.map.get("key-" + i);
      assertNotNull("key-" + i + " was not restored", v);
      assertArrayEquals("value of key-" + i, value(i), v);
    }
    HeldBackConsumer used = consumers.get(consumers.size() - 1);
    assertTrue("the consumer was held back several times: " + used.holds, used.holds >= 5);
  }

  /**
   * A changelog written by a transactional producer ends with a commit marker: the newest offset is
   * a record no consumer ever returns. The restore ends on the consumer's position passing it (well
   * before the stall timeout), with every record, and a trailing tombstone applied.
   */
  @Test
  public void newestOffsetThatIsATransactionMarkerEndsTheRestore() throws Exception {
    String stream = "restore-txn-" + JOBS.incrementAndGet();
    Config config =
        broker.systemConfig(
            SYSTEM, Map.of("stores.s." + TaskStorageManager.RESTORE_STALL_MS, "120000"));
    StoreSystems systems = systems(config, c -> c);
    manager(config, systems, stream).getStore("s");
    String topic = stream + "-S";
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-" + topic);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    int n = 1_000;
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      p.initTransactions();
      p.beginTransaction();
      for (int i = 0; i < n; i++) {
        p.send(new ProducerRecord<>(topic, 0, key(i), value(i)));
      }
      p.send(new ProducerRecord<>(topic, 0, key(0), null)); // trailing tombstone
      p.commitTransaction();
    }
    SystemStreamPartition ssp = new SystemStream(SYSTEM, topic).partition(0);
    // offsets 0..n-1 records, n the tombstone, n+1 the commit marker, which the transaction
    // coordinator writes after commitTransaction returns: wait for it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Integer.toString(n + 1).equals(systems.admin(SYSTEM).getNewestOffset(ssp))) {
      assertTrue("the commit marker never reached " + ssp, System.nanoTime() < deadline);
      Thread.onSpinWait();
    }

    restores.clear();
    long t0 = System.nanoTime();
    MapEngine restored = (MapEngine) manager(config, systems, stream).getStore("s");
    long millis = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(n + 1, restores.get(0).records());
    assertEquals(n - 1, restored.map.size());
    assertFalse(restored.map.containsKey("key-0"));
    for (int i = 1; i < n; i++) {
      assertArrayEquals(value(i), restored.map.get("key-" + i));
    }
    assertTrue("ended on the position, not on the stall timeout: " + millis, millis < 120_000);
  }
}
