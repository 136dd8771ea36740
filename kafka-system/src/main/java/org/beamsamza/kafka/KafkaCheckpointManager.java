package org.beamsamza.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in a compacted Kafka topic with one partition (as Samza's): key = the task name
 * (UTF-8), value = the task's offsets in a small versioned binary format of its own ({@link
 * #encode}). {@link #start} creates the topic when missing (failing if it exists with another
 * partition count or cleanup policy) and reads it to its end; afterwards the last checkpoint of
 * every task is served from memory. {@link #writeCheckpoint} returns once the broker acknowledged
 * the write (acks=all). Thread safe: containers of one process may share an instance.
 */
public final class KafkaCheckpointManager implements CheckpointManager {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCheckpointManager.class);
  private static final int FORMAT_VERSION = 1;

  private final String systemName;
  private final Config config;
  private final String topic;
  private final KafkaClientConfig clientConfig;
  private final long timeoutMs;
  private final Map<TaskName, Checkpoint> checkpoints = new ConcurrentHashMap<>();
  private volatile long newestTimestamp = -1;
  private KafkaProducer<byte[], byte[]> producer;

  /**
   * @param systemName the Kafka system whose settings ({@code systems.<name>.*}) reach the broker
   * @param topic the checkpoint topic, e.g. {@code __beamsamza-checkpoint-<job>-<id>}
   */
  public KafkaCheckpointManager(String systemName, Config config, String topic) {
    this.systemName = systemName;
    this.config = config;
    this.topic = Objects.requireNonNull(topic, "topic");
    this.clientConfig = new KafkaClientConfig(systemName, config);
    this.timeoutMs = config.getLong(clientConfig.key("admin.timeout.ms"), 60_000);
  }

  private String brokers() {
    return String.valueOf(clientConfig.common().get(KafkaClientConfig.BOOTSTRAP_SERVERS));
  }

  public String getTopic() {
    return topic;
  }

  @Override
  public synchronized void start() {
    if (producer != null) {
      return;
    }
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin(systemName, config)) {
      admin.createStream(
          new StreamSpec(
              new SystemStream(systemName, topic),
              1,
              false,
              Map.of("cleanup.policy", "compact", "segment.bytes", "" + (16 << 20))));
    }
    readAll();
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "beamsamza-checkpoint-" + topic);
    props.putAll(clientConfig.forClient("producer", Map.of()));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(props);
    LOG.info("Read {} task checkpoints from topic {}", checkpoints.size(), topic);
  }

  private void readAll() {
    Map<String, Object> props =
        clientConfig.forClient(
            "consumer",
            Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "beamsamza-checkpoint-reader-" + topic));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), Duration.ofMillis(timeoutMs)).get(tp);
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (consumer.position(tp, Duration.ofMillis(timeoutMs)) < end) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              "Timed out reading checkpoint topic " + topic + " to its end offset " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          newestTimestamp = Math.max(newestTimestamp, r.timestamp());
          if (r.key() == null) {
            continue;
          }
          TaskName task = new TaskName(new String(r.key(), StandardCharsets.UTF_8));
          if (r.value() == null) {
            checkpoints.remove(task);
          } else {
            try {
              checkpoints.put(task, decode(r.value()));
            } catch (IOException | RuntimeException e) {
              throw new IllegalStateException(
                  "Unreadable checkpoint of task "
                      + task
                      + " in topic "
                      + topic
                      + " at offset "
                      + r.offset(),
                  e);
            }
          }
        }
      }
    }
  }

  @Override
  public Checkpoint readLastCheckpoint(TaskName task) {
    return checkpoints.get(Objects.requireNonNull(task, "task"));
  }

  @Override
  public void writeCheckpoint(TaskName task, Checkpoint checkpoint) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(checkpoint, "checkpoint");
    KafkaProducer<byte[], byte[]> p;
    synchronized (this) {
      p = producer;
    }
    if (p == null) {
      throw new IllegalStateException("writeCheckpoint before start (topic " + topic + ")");
    }
    try {
      p.send(
              new ProducerRecord<>(
                  topic, 0, task.getName().getBytes(StandardCharsets.UTF_8), encode(checkpoint)))
          .get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Failed to write the checkpoint of task "
              + task
              + " to topic "
              + topic
              + " on brokers "
              + brokers()
              + ": "
              + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Timed out after "
              + timeoutMs
              + " ms writing the checkpoint of task "
              + task
              + " to topic "
              + topic
              + " on brokers "
              + brokers(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted writing a checkpoint to " + topic, e);
    }
    checkpoints.put(task, checkpoint);
  }

  /**
   * The largest record timestamp (the writer's clock, Kafka's CreateTime) of the records {@link
   * #start} read from the topic, or -1 if it held none: when the job last committed, for tools that
   * must not touch a running job's checkpoints.
   */
  public long getNewestReadTimestamp() {
    return newestTimestamp;
  }

  /** A snapshot of the last checkpoint of every task (for tools and tests). */
  public Map<TaskName, Checkpoint> getCheckpoints() {
    return Map.copyOf(checkpoints);
  }

  @Override
  public synchronized void stop() {
    if (producer != null) {
      producer.close();
      producer = null;
    }
  }

  /**
   * Version (int), entry count (int), then per partition: system, stream (length-prefixed UTF-8),
   * partition (int), offset (length-prefixed UTF-8, length -1 for null). Offsets may be any string
   * (serialized source checkpoint marks included), hence lengths rather than separators.
   */
  static byte[] encode(Checkpoint checkpoint) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT_VERSION);
      out.writeInt(checkpoint.getOffsets().size());
      for (Map.Entry<SystemStreamPartition, String> e : checkpoint.getOffsets().entrySet()) {
        writeString(out, e.getKey().getSystem());
        writeString(out, e.getKey().getStream());
        out.writeInt(e.getKey().getPartition());
        writeString(out, e.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  static Checkpoint decode(byte[] value) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException("Unknown checkpoint format version " + version);
    }
    int n = in.readInt();
    Map<SystemStreamPartition, String> offsets = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String system = readString(in);
      String stream = readString(in);
      int partition = in.readInt();
      offsets.put(new SystemStreamPartition(system, stream, partition), readString(in));
    }
    if (in.available() > 0) {
      throw new IOException(in.available() + " trailing bytes after the checkpoint");
    }
    return new Checkpoint(offsets);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0) {
      return null;
    }
    byte[] b = new byte[len];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
