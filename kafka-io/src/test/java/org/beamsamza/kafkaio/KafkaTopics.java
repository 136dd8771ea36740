package org.beamsamza.kafkaio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;

/** Test-side Kafka clients: create topics, write records, read a topic, wait on conditions. */
final class KafkaTopics {
  private final EmbeddedKafkaBroker broker;

  KafkaTopics(EmbeddedKafkaBroker broker) {
    this.broker = broker;
  }

  void create(String topic, int partitions) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
    }
  }

  KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("key.serializer", ByteArraySerializer.class);
    props.put("value.serializer", ByteArraySerializer.class);
    props.put("acks", "all");
    props.put("linger.ms", 20);
    props.put("batch.size", 256 * 1024);
    return new KafkaProducer<>(props);
  }

  /** Writes each record to its partition (or by key when null) and waits until all are acked. */
  void write(List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      records.forEach(producer::send);
      producer.flush();
    }
  }

  /**
   * Reads {@code topic} from its start, handing every record to {@code each}, until {@code done}
   * holds, the job fails, or the safety bound passes.
   */
  void readUntil(
      String topic,
      Consumer<ConsumerRecord<byte[], byte[]>> each,
      BooleanSupplier done,
      PipelineResult job)
      throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("key.deserializer", ByteArrayDeserializer.class);
    props.put("value.deserializer", ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> tps = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3); // safety bound only
      while (!done.getAsBoolean()) {
        if (job != null && job.getState().isTerminal()) {
          Throwable cause = null;
          try {
            job.waitUntilFinish();
          } catch (RuntimeException e) {
            cause = e;
          }
          throw new AssertionError(
              "job ended (" + job.getState() + ") before the output was complete", cause);
        }
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("output of " + topic + " still incomplete after 3 minutes");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  /** Hands every record {@code topic} holds now to {@code each}. */
  void readAvailable(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("key.deserializer", ByteArrayDeserializer.class);
    props.put("value.deserializer", ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> tps = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  /** Waits until {@code condition} holds while {@code job} runs (safety bound: 3 minutes). */
  static void await(String what, BooleanSupplier condition, PipelineResult job)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!condition.getAsBoolean()) {
      if (job.getState().isTerminal()) {
        throw new AssertionError("job ended (" + job.getState() + ") before " + what);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("hung waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
