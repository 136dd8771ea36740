package org.beamsamza.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.beamsamza.runtime.config.Config;

/**
 * A real single-node Kafka 3.9 broker (KRaft, combined broker and controller) in this JVM, for
 * tests: random free ports, storage in a temporary directory deleted by {@link #close}. Start one
 * per test class (about 5 s):
 *
 * <pre>{@code
 * static EmbeddedKafkaBroker broker;
 * @BeforeClass public static void up() throws Exception { broker = EmbeddedKafkaBroker.start(); }
 * @AfterClass public static void down() { broker.close(); }
 * }</pre>
 *
 * {@link #stop} and {@link #restart} take the broker down and bring it back on the same port and
 * storage (outage tests).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final String CONTROLLER = "CONTROLLER";

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(Map<String, String> overrides) throws IOException {
    this.dir = Files.createTempDirectory("embedded-kafka-");
    this.port = freePort();
    this.controllerPort = freePort();
    this.overrides = Map.copyOf(overrides);
  }

  /** Starts a broker with test-friendly defaults (fast log cleaner, replication factor 1). */
  public static EmbeddedKafkaBroker start() throws Exception {
    return start(Map.of());
  }

  /** Starts a broker; {@code overrides} are broker settings applied over the defaults. */
  public static EmbeddedKafkaBroker start(Map<String, String> overrides) throws Exception {
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(overrides);
    try {
      broker.format();
      broker.startServer();
    } catch (Exception | Error e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  private Properties props() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://localhost:" + port + "," + CONTROLLER + "://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    p.put("controller.listener.names", CONTROLLER);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.backoff.ms", "100");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    p.put("auto.create.topics.enable", "false");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("log.cleaner.threads", "1");
    p.putAll(overrides);
    return p;
  }

  private void format() throws Exception {
    String data = dir.resolve("data").toString();
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(data))
        .setMetadataLogDirectory(data)
        .setControllerListenerName(CONTROLLER)
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
  }

  private void startServer() throws Exception {
    server = new KafkaRaftServer(KafkaConfig.fromProps(props(), false), Time.SYSTEM);
    server.startup();
    awaitReady();
  }

  private void awaitReady() throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(props)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get().isEmpty()) {
            // The broker answers metadata; make sure it also accepts topic creation.
            admin.listTopics().names().get();
            return;
          }
        } catch (Exception e) {
          if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("Kafka broker did not become ready in 60 s", e);
          }
        }
      }
    }
  }

  /** {@code localhost:<port>}. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** Runtime config of a Kafka system named {@code systemName} on this broker. */
  public Config systemConfig(String systemName) {
    return systemConfig(systemName, Map.of());
  }

  /** As {@link #systemConfig(String)}, plus {@code extra} entries. */
  public Config systemConfig(String systemName, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(extra);
    m.put("systems." + systemName + ".bootstrap.servers", bootstrapServers());
    return new Config(m);
  }

  /** Stops the broker, keeping its storage and port for {@link #restart}. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts a stopped broker again on the same port and storage. */
  public synchronized void restart() throws Exception {
    if (server == null) {
      startServer();
    }
  }

  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      deleteRecursively(dir);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir
    }
  }
}
