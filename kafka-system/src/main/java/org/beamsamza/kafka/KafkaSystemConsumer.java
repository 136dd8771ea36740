package org.beamsamza.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link KafkaConsumer} per container, on {@code assign}ed partitions (no consumer group, no
 * rebalancing, no offsets committed to Kafka: the runtime checkpoints them). Each registered
 * partition starts at its registered offset, or, when none was registered, at the oldest retained
 * record ({@code systems.<name>.samza.offset.default=oldest}, the default) or after the newest one
 * ({@code upcoming}); an offset that is no longer retained fails loudly ({@code
 * auto.offset.reset=none} unless configured otherwise).
 *
 * <p>An envelope's message is the record's value bytes, or with {@code
 * systems.<name>.samza.record.metadata=true} a {@link KafkaRecordMetadata}: the record with its
 * timestamp, timestamp type, headers and the lag behind it, and a {@link
 * KafkaRecordMetadata.CaughtUp} marker when a partition has been read to its end (once per idle
 * spell), which is how a reader tells an idle partition from one not fetched yet.
 *
 * <p>Back-pressure: records fetched for a partition the caller did not ask for are kept, and that
 * partition stays paused in Kafka until the caller asks for it again and takes them, so the
 * consumer buffers at most one fetch per partition.
 */
public final class KafkaSystemConsumer implements SystemConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSystemConsumer.class);

  private final KafkaClientConfig clientConfig;
  private final Map<SystemStreamPartition, String> registered = new LinkedHashMap<>();
  private final Map<TopicPartition, SystemStreamPartition> ssps = new HashMap<>();
  private final Map<SystemStreamPartition, List<IncomingMessageEnvelope>> buffered =
      new HashMap<>();
  private Consumer<byte[], byte[]> consumer;

  /** Setting: where a partition registered without an offset starts, oldest or upcoming. */
  public static final String OFFSET_DEFAULT = "samza.offset.default";

  /** Setting: hand out {@link KafkaRecordMetadata} messages instead of value bytes. */
  public static final String RECORD_METADATA = "samza.record.metadata";

  private final boolean fromUpcoming;
  private final boolean withMetadata;

  /** Partitions whose being read to the end was already said (by a record or a marker). */
  private final Set<TopicPartition> reportedCaughtUp = new java.util.HashSet<>();

  public KafkaSystemConsumer(String systemName, org.beamsamza.runtime.config.Config config) {
    this.clientConfig = new KafkaClientConfig(systemName, config);
    String offsetDefault = config.get(clientConfig.key(OFFSET_DEFAULT), "oldest");
    if (!offsetDefault.equals("oldest") && !offsetDefault.equals("upcoming")) {
      throw new IllegalArgumentException(
          clientConfig.key(OFFSET_DEFAULT) + " must be oldest or upcoming, was " + offsetDefault);
    }
    this.fromUpcoming = offsetDefault.equals("upcoming");
    this.withMetadata = config.getBoolean(clientConfig.key(RECORD_METADATA), false);
  }

  private String name() {
    return clientConfig.systemName();
  }

  @Override
  public void register(SystemStreamPartition ssp, String startingOffset) {
    if (consumer != null) {
      throw new IllegalStateException("Cannot register " + ssp + " after the consumer started");
    }
    if (!ssp.getSystem().equals(name())) {
      throw new IllegalArgumentException(ssp + " does not belong to system " + name());
    }
    if (startingOffset != null) {
      KafkaSystemAdmin.parseOffset(startingOffset);
    }
    if (registered.containsKey(ssp)) {
      // Registered twice: start from the earlier offset so neither caller misses a message.
      String existing = registered.get(ssp);
      if (existing != null
          && (startingOffset == null
              || Long.parseLong(startingOffset) < Long.parseLong(existing))) {
        registered.put(ssp, startingOffset);
      }
      return;
    }
    registered.put(ssp, startingOffset);
  }

  @Override
  public void start() {
    if (consumer != null) {
      return;
    }
    Map<String, Object> defaults = new HashMap<>();
    defaults.put(ConsumerConfig.CLIENT_ID_CONFIG, "beamsamza-consumer-" + name());
    defaults.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    defaults.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    Map<String, Object> props = clientConfig.forClient("consumer", defaults);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    LOG.info(
        "Kafka consumer for system {} on {} partitions: {}",
        name(),
        registered.size(),
        KafkaClientConfig.redact(props));
    consumer = new KafkaConsumer<>(props);
    for (SystemStreamPartition ssp : registered.keySet()) {
      ssps.put(KafkaSystemAdmin.topicPartition(ssp), ssp);
    }
    checkPartitionsExist();
    consumer.assign(ssps.keySet());
    List<TopicPartition> fromDefault = new ArrayList<>();
    registered.forEach(
        (ssp, offset) -> {
          TopicPartition tp = KafkaSystemAdmin.topicPartition(ssp);
          if (offset == null) {
            fromDefault.add(tp);
          } else {
            consumer.seek(tp, Long.parseLong(offset));
          }
        });
    if (!fromDefault.isEmpty()) {
      if (fromUpcoming) {
        consumer.seekToEnd(fromDefault);
        fromDefault.forEach(consumer::position); // fix "upcoming" now, not at the first fetch
      } else {
        consumer.seekToBeginning(fromDefault);
      }
    }
  }

  /** A partition that does not exist would otherwise be waited for silently, forever. */
  private void checkPartitionsExist() {
    Map<String, Integer> counts = new HashMap<>();
    for (SystemStreamPartition ssp : registered.keySet()) {
      int count =
          counts.computeIfAbsent(
              ssp.getStream(),
              topic -> {
                List<?> partitions;
                try {
                  partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60));
                } catch (RuntimeException e) {
                  consumer.close();
                  consumer = null;
                  throw new IllegalStateException(
                      "Kafka system "
                          + name()
                          + " (brokers "
                          + clientConfig.common().get(KafkaClientConfig.BOOTSTRAP_SERVERS)
                          + ") cannot read the partitions of topic "
                          + topic
                          + ": "
                          + e,
                      e);
                }
                return partitions == null ? 0 : partitions.size();
              });
      if (ssp.getPartition() >= count) {
        consumer.close();
        consumer = null;
        throw new IllegalStateException(
            "Cannot read "
                + ssp
                + ": topic "
                + ssp.getStream()
                + (count == 0 ? " does not exist" : " has only " + count + " partitions"));
      }
    }
  }

  @Override
  public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
      Set<SystemStreamPartition> wanted, long timeoutMs) throws InterruptedException {
    if (consumer == null) {
      throw new IllegalStateException("poll before start");
    }
    Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result = new HashMap<>();
    for (SystemStreamPartition ssp : wanted) {
      List<IncomingMessageEnvelope> batch = buffered.remove(ssp);
      if (batch != null) {
        result.put(ssp, batch);
      }
    }
    if (ssps.isEmpty()) {
      if (timeoutMs > 0) {
        Thread.sleep(timeoutMs); // nothing assigned: nothing will ever arrive
      }
      return result;
    }
    // Fetch only for partitions the caller wants and holds nothing of.
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    ssps.forEach(
        (tp, ssp) -> {
          if (wanted.contains(ssp) && !buffered.containsKey(ssp)) {
            resume.add(tp);
          } else {
            pause.add(tp);
          }
        });
    consumer.pause(pause);
    consumer.resume(resume);
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    ConsumerRecords<byte[], byte[]> records =
        consumer.poll(Duration.ofMillis(result.isEmpty() ? Math.max(0, timeoutMs) : 0));
    for (TopicPartition tp : records.partitions()) {
      SystemStreamPartition ssp = ssps.get(tp);
      List<ConsumerRecord<byte[], byte[]>> recs = records.records(tp);
      List<IncomingMessageEnvelope> batch = new ArrayList<>(recs.size());
      long lag = withMetadata ? consumer.currentLag(tp).orElse(-1) : -1;
      for (int i = 0; i < recs.size(); i++) {
        ConsumerRecord<byte[], byte[]> r = recs.get(i);
        int size =
            (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        Object message =
            withMetadata ? withMetadata(r, lag < 0 ? -1 : lag + recs.size() - 1 - i) : r.value();
        batch.add(
            new IncomingMessageEnvelope(ssp, Long.toString(r.offset()), r.key(), message, size));
      }
      if (withMetadata) {
        if (lag == 0) {
          reportedCaughtUp.add(tp);
        } else {
          reportedCaughtUp.remove(tp);
        }
      }
      append(wanted.contains(ssp) ? result : buffered, ssp, batch);
    }
    if (withMetadata) {
      addCaughtUpMarkers(wanted, records, result);
    }
    return result;
  }

  private static KafkaRecordMetadata.Record withMetadata(
      ConsumerRecord<byte[], byte[]> r, long backlog) {
    List<KafkaRecordMetadata.Header> headers = new ArrayList<>();
    for (org.apache.kafka.common.header.Header h : r.headers()) {
      headers.add(new KafkaRecordMetadata.Header(h.key(), h.value()));
    }
    return new KafkaRecordMetadata.Record(
        r.key(), r.value(), r.timestamp(), r.timestampType().id, headers, backlog);
  }

  /**
   * A marker for each wanted partition that returned nothing, has been read to its end and has not
   * said so yet (its lag is known only once the consumer has fetched from it).
   */
  private void addCaughtUpMarkers(
      Set<SystemStreamPartition> wanted,
      ConsumerRecords<byte[], byte[]> records,
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result) {
    for (Map.Entry<TopicPartition, SystemStreamPartition> e : ssps.entrySet()) {
      TopicPartition tp = e.getKey();
      SystemStreamPartition ssp = e.getValue();
      if (!wanted.contains(ssp)
          || result.containsKey(ssp)
          || reportedCaughtUp.contains(tp)
          || !records.records(tp).isEmpty()
          || consumer.currentLag(tp).orElse(-1) != 0) {
        continue;
      }
      long position;
      try {
        position = consumer.position(tp, Duration.ZERO);
      } catch (org.apache.kafka.common.errors.TimeoutException notKnownYet) {
        continue;
      }
      reportedCaughtUp.add(tp);
      result.put(
          ssp,
          List.of(
              new IncomingMessageEnvelope(
                  ssp, Long.toString(position - 1), null, new KafkaRecordMetadata.CaughtUp(), 0)));
    }
  }

  /** Adds {@code batch} after what {@code batches} already holds for {@code ssp}. */
  private static void append(
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> batches,
      SystemStreamPartition ssp,
      List<IncomingMessageEnvelope> batch) {
    batches.merge(
        ssp,
        batch,
        (a, b) -> {
          List<IncomingMessageEnvelope> all = new ArrayList<>(a);
          all.addAll(b);
          return all;
        });
  }

  /**
   * The offset of the next record {@link #poll} returns for {@code ssp}: the first one buffered for
   * it, else the Kafka consumer's position, which moves past records Kafka never returns (compacted
   * away, transaction markers, aborted records under {@code read_committed}). {@code null} while
   * the position is not known yet (before the consumer has looked up where "oldest" is).
   */
  @Override
  public String position(SystemStreamPartition ssp) {
    if (consumer == null) {
      throw new IllegalStateException("position before start");
    }
    List<IncomingMessageEnvelope> held = buffered.get(ssp);
    if (held != null && !held.isEmpty()) {
      return held.get(0).getOffset();
    }
    TopicPartition tp = KafkaSystemAdmin.topicPartition(ssp);
    if (!ssps.containsKey(tp)) {
      throw new IllegalArgumentException(ssp + " was not registered with this consumer");
    }
    try {
      return Long.toString(consumer.position(tp, Duration.ZERO));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      return null; // not resolved yet; a later poll resolves it
    }
  }

  /**
   * The high watermark less one, from the consumer's fetch metadata: its position plus its lag,
   * both local. {@code null} before the first fetch of the partition tells them.
   */
  @Override
  public String newestOffset(SystemStreamPartition ssp) {
    if (consumer == null) {
      return null;
    }
    TopicPartition tp = KafkaSystemAdmin.topicPartition(ssp);
    if (!ssps.containsKey(tp)) {
      return null;
    }
    java.util.OptionalLong lag = consumer.currentLag(tp);
    if (lag.isEmpty()) {
      return null;
    }
    try {
      long end = consumer.position(tp, Duration.ZERO) + lag.getAsLong();
      return Long.toString(end - 1);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      return null;
    }
  }

  /** Partitions currently paused in Kafka (for tests and metrics). */
  Set<SystemStreamPartition> pausedPartitions() {
    Set<SystemStreamPartition> out = new java.util.HashSet<>();
    for (TopicPartition tp : consumer.paused()) {
      out.add(ssps.get(tp));
    }
    return out;
  }

  @Override
  public void stop() {
    if (consumer != null) {
      consumer.close();
      consumer = null;
    }
  }
}
