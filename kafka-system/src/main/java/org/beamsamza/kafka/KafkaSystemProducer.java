package org.beamsamza.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.beamsamza.runtime.metrics.MeteredComponent;
import org.beamsamza.runtime.metrics.MetricsRegistry;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One idempotent, batching {@link KafkaProducer} per container. Keys and messages must be {@code
 * byte[]} (or null: a null message is a tombstone); the envelope's partition is the record's
 * partition. Sends are asynchronous; {@link #flush} waits for all of them and throws the first
 * failure, naming topic and partition. A producer that saw a failure stays failed (every later send
 * and flush throws it): messages were lost, so nothing after them may be checkpointed.
 */
public final class KafkaSystemProducer implements SystemProducer, MeteredComponent {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSystemProducer.class);

  private final KafkaClientConfig clientConfig;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  // Volatile: the back-pressure gauge reads it from a reporter's thread.
  private volatile Producer<byte[], byte[]> producer;

  /**
   * Back-pressure: the time {@code send} spent blocked on the producer's full buffer (Kafka's
   * {@code bufferpool-wait-time-ns-total}), in the container's registry, group {@code
   * kafka-producer}.
   */
  @Override
  public void setMetricsRegistry(MetricsRegistry registry) {
    registry.newGauge(
        "kafka-producer", "buffer-wait-ns", () -> producerMetric("bufferpool-wait-time-ns-total"));
    registry.newGauge(
        "kafka-producer", "record-send-total", () -> producerMetric("record-send-total"));
  }

  private Double producerMetric(String name) {
    Producer<byte[], byte[]> p = producer;
    if (p == null) {
      return null;
    }
    for (java.util.Map.Entry<
            org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric>
        e : p.metrics().entrySet()) {
      if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
        Object v = e.getValue().metricValue();
        return v instanceof Number n ? n.doubleValue() : null;
      }
    }
    return null;
  }

  public KafkaSystemProducer(String systemName, org.beamsamza.runtime.config.Config config) {
    this.clientConfig = new KafkaClientConfig(systemName, config);
  }

  @Override
  public synchronized void start() {
    if (producer != null) {
      return;
    }
    Map<String, Object> defaults = new HashMap<>();
    defaults.put(ProducerConfig.CLIENT_ID_CONFIG, "beamsamza-producer-" + name());
    defaults.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    defaults.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    defaults.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    Map<String, Object> props = clientConfig.forClient("producer", defaults);
    // Not overridable: at-least-once without duplicates from retries needs these.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    LOG.info("Kafka producer for system {}: {}", name(), KafkaClientConfig.redact(props));
    producer = new KafkaProducer<>(props);
  }

  private String name() {
    return clientConfig.systemName();
  }

  private String brokers() {
    return String.valueOf(clientConfig.common().get(KafkaClientConfig.BOOTSTRAP_SERVERS));
  }

  @Override
  public void send(OutgoingMessageEnvelope envelope) {
    throwIfFailed();
    if (producer == null) {
      throw new IllegalStateException("send before start on Kafka system " + name());
    }
    String topic = envelope.getSystemStream().getStream();
    if (!envelope.getSystemStream().getSystem().equals(name())) {
      throw new IllegalArgumentException(
          envelope.getSystemStream() + " does not belong to system " + name());
    }
    byte[] key = bytes(envelope.getKey(), "key", envelope);
    byte[] value = bytes(envelope.getMessage(), "message", envelope);
    int partition = envelope.getPartition();
    producer.send(
        new ProducerRecord<>(topic, partition, key, value),
        (metadata, e) -> {
          if (e != null) {
            RuntimeException wrapped =
                new KafkaSendException(
                    "Kafka system "
                        + name()
                        + " (brokers "
                        + brokers()
                        + ") failed to write to topic "
                        + topic
                        + " partition "
                        + partition
                        + ": "
                        + e,
                    e);
            if (failure.compareAndSet(null, wrapped)) {
              LOG.error(wrapped.getMessage(), e);
            }
          }
        });
  }

  private static byte[] bytes(Object o, String what, OutgoingMessageEnvelope envelope) {
    if (o == null || o instanceof byte[]) {
      return (byte[]) o;
    }
    throw new IllegalArgumentException(
        "The Kafka system writes bytes only, but the "
            + what
            + " of a message to "
            + envelope.getSystemStream()
            + " is a "
            + o.getClass().getName()
            + ": encode it before sending");
  }

  @Override
  public void flush() {
    if (producer != null) {
      producer.flush();
    }
    throwIfFailed();
  }

  private void throwIfFailed() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw new KafkaSendException(e.getMessage(), e.getCause());
    }
  }

  @Override
  public synchronized void stop() {
    if (producer != null) {
      producer.close();
      producer = null;
    }
  }

  /** A message the producer could not write; the message names topic and partition. */
  public static final class KafkaSendException extends RuntimeException {
    KafkaSendException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
