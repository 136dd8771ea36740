package org.beamsamza.yarn.e2e;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.yarn.SamzaYarnOptions;
import org.beamsamza.yarn.testing.MiniYarn;

/**
 * A real YARN cluster (MiniYARNCluster: a ResourceManager and two NodeManagers launching container
 * JVMs) and a real Kafka broker, for the tests that run pipelines with {@code --deployment=yarn}.
 */
final class YarnTestCluster implements AutoCloseable {
  /** Jars no container needs (the in-process cluster and broker): not shipped, to save time. */
  static final String SHIP_EXCLUDES =
      "hadoop-client-minicluster,surefire,kafka_2.13,scala-,zookeeper,bc";

  final MiniYarn yarn;
  final EmbeddedKafkaBroker kafka;

  private YarnTestCluster(MiniYarn yarn, EmbeddedKafkaBroker kafka) {
    this.yarn = yarn;
    this.kafka = kafka;
  }

  static YarnTestCluster start(String name) throws Exception {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
    try {
      // SIGTERM leaves a container time for its final commit and clean store close before the
      // SIGKILL (YARN's default: 250 ms), as a production cluster should be configured.
      return new YarnTestCluster(
          MiniYarn.builder(name)
              .config("yarn.nodemanager.sleep-delay-before-sigkill.ms", "20000")
              .start(),
          kafka);
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  /** Options of a job on this cluster: 2 containers of 512 MB, parallelism 4. */
  SamzaYarnOptions options(String... overrides) {
    return PipelineOptionsFactory.fromArgs(args(overrides)).as(SamzaYarnOptions.class);
  }

  /** {@link #options} as a program's command-line arguments. */
  String[] args(String... overrides) {
    Map<String, String> args = new java.util.LinkedHashMap<>();
    args.put("runner", "SamzaRunner");
    args.put("deployment", "yarn");
    args.put("system", "kafka");
    args.put("kafkaBootstrapServers", kafka.bootstrapServers());
    args.put("hadoopConfDir", yarn.confDir().toString());
    args.put("containers", "2");
    args.put("parallelism", "4");
    args.put("containerMemoryMb", "512");
    args.put("amMemoryMb", "256");
    args.put("commitMs", "500");
    args.put("metricsReportMs", "500");
    args.put("yarnShipExcludes", SHIP_EXCLUDES);
    for (String o : overrides) {
      int eq = o.indexOf('=');
      args.put(o.substring(2, eq), o.substring(eq + 1));
    }
    return args.entrySet().stream()
        .map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
  }

  /** Creates a topic of {@code partitions} partitions (the broker creates none by itself). */
  void createTopic(String topic, int partitions) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
          .all()
          .get();
    }
  }

  /** The last value of every key of a topic of {@code key(String) -> long} records. */
  Map<String, Long> lastCounts(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<String, Long> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          counts.put(
              new String(r.key(), StandardCharsets.UTF_8), ByteBuffer.wrap(r.value()).getLong());
        }
      }
    }
    return counts;
  }

  /** Waits until {@code condition} holds; fails after {@code limit}, which only guards a hang. */
  static void await(String what, Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  /** Stops both, and deletes what the tests' applications staged (in the user's home). */
  @Override
  public void close() {
    for (org.beamsamza.yarn.client.YarnPipelineResult app :
        org.beamsamza.yarn.client.SubmittedApplications.all()) {
      try {
        org.apache.hadoop.fs.FileSystem.get(yarn.config()).delete(app.getStagingDir(), true);
      } catch (java.io.IOException e) {
        System.err.println("Cannot delete " + app.getStagingDir() + ": " + e);
      }
    }
    try {
      yarn.close();
    } finally {
      kafka.close();
    }
  }
}
