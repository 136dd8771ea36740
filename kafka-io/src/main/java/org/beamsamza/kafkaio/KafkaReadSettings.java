package org.beamsamza.kafkaio;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Which of a {@code KafkaIO.Read}'s settings the native read honours, and what it makes of the
 * rest. No setting is ignored: one the native read cannot honour either sends the read through
 * KafkaIO's own expansion (the generic path, {@link #genericPathReasons}) or fails the run naming
 * the step and the setting ({@link #refusals}).
 *
 * <p>Honoured natively: topics ({@code withTopic}/{@code withTopics}), bootstrap servers and every
 * consumer property ({@code withConsumerConfigUpdates}, {@code withReadCommitted}'s {@code
 * isolation.level}, security settings), {@code auto.offset.reset} earliest/latest (where a
 * partition without a checkpoint starts; also applied when a checkpointed offset is no longer
 * retained), the key and value deserializers, the timestamp policy ({@code withProcessingTime}
 * (default), {@code withLogAppendTime}, {@code withCreateTime}, {@code withTimestampPolicyFactory},
 * {@code withTimestampFn2}) and {@code withBadRecordErrorHandler}.
 */
final class KafkaReadSettings {
  private KafkaReadSettings() {}

  /** A read with nothing set, whose defaults the settings are compared with. */
  private static final KafkaIO.Read<byte[], byte[]> DEFAULTS = KafkaIO.readBytes();

  /** Settings that KafkaIO's own expansion honours and the native read does not. */
  static List<String> genericPathReasons(KafkaIO.Read<?, ?> read) {
    List<String> reasons = new ArrayList<>();
    if (read.getTopicPattern() != null) {
      reasons.add("withTopicPattern");
    }
    if (read.getTopicPartitions() != null && !read.getTopicPartitions().isEmpty()) {
      reasons.add("withTopicPartitions (a subset of partitions)");
    }
    if (read.getMaxNumRecords() != Long.MAX_VALUE) {
      reasons.add("withMaxNumRecords (a bounded read)");
    }
    if (read.getMaxReadTime() != null) {
      reasons.add("withMaxReadTime (a bounded read)");
    }
    if (read.getStartReadTime() != null) {
      reasons.add("withStartReadTime");
    }
    if (read.getStopReadTime() != null) {
      reasons.add("withStopReadTime");
    }
    if (read.isCommitOffsetsInFinalizeEnabled()) {
      reasons.add("commitOffsetsInFinalize");
    }
    if (Boolean.TRUE.equals(asBoolean(read.getConsumerConfig().get("enable.auto.commit")))) {
      reasons.add("enable.auto.commit=true");
    }
    if (read.isDynamicRead()) {
      reasons.add("withDynamicRead");
    }
    if (read.getCheckStopReadingFn() != null) {
      reasons.add("withCheckStopReadingFn");
    }
    if (read.isRedistributed()) {
      reasons.add("withRedistribute");
    }
    if (Boolean.TRUE.equals(read.getRedistributeByRecordKey())) {
      reasons.add("withRedistributeByRecordKey");
    }
    if (Boolean.TRUE.equals(read.getOffsetDeduplication())) {
      reasons.add("withOffsetDeduplication");
    }
    if (read.getWatermarkFn() != null) {
      reasons.add("withWatermarkFn/withWatermarkFn2");
    }
    if (read.getConsumerFactoryFn() != DEFAULTS.getConsumerFactoryFn()) {
      reasons.add("withConsumerFactoryFn (the native read uses the runtime's own consumer)");
    }
    if (read.getOffsetConsumerConfig() != null) {
      reasons.add("withOffsetConsumerConfigOverrides");
    }
    if (read.getConsumerPollingTimeout() != DEFAULTS.getConsumerPollingTimeout()) {
      reasons.add("withConsumerPollingTimeout");
    }
    return reasons;
  }

  /** Settings neither path can run here: the run fails naming them. */
  static List<String> refusals(KafkaIO.Read<?, ?> read) {
    List<String> refusals = new ArrayList<>();
    String reset = autoOffsetReset(read);
    if (!reset.equals("earliest") && !reset.equals("latest")) {
      refusals.add(
          "auto.offset.reset="
              + reset
              + " (the native KafkaIO read supports earliest and latest; --nativeKafkaIO=false"
              + " reads through KafkaIO's own source)");
    }
    for (Map.Entry<String, Object> e : read.getConsumerConfig().entrySet()) {
      if (e.getValue() != null && asConfigString(e.getValue()) == null) {
        refusals.add(
            "consumer property "
                + e.getKey()
                + " has a value of type "
                + e.getValue().getClass().getName()
                + ", which cannot be passed to the runtime's consumer as text"
                + " (--nativeKafkaIO=false reads through KafkaIO's own source)");
      }
    }
    return refusals;
  }

  /** KafkaIO reads from the latest offset unless the consumer config says otherwise. */
  static String autoOffsetReset(KafkaIO.Read<?, ?> read) {
    Object reset = read.getConsumerConfig().get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
    return reset == null ? "latest" : reset.toString().trim().toLowerCase(Locale.ROOT);
  }

  /** Whether the user routed bad records somewhere ({@code withBadRecordErrorHandler}). */
  static boolean hasBadRecordErrorHandler(KafkaIO.Read<?, ?> read) {
    ErrorHandler<?, ?> handler = read.getBadRecordErrorHandler();
    return handler != null && !(handler instanceof ErrorHandler.DefaultErrorHandler);
  }

  /** Settings that matter to security and connection: every client of the system gets them. */
  private static boolean forEveryClient(String key) {
    return key.startsWith("security.")
        || key.startsWith("sasl.")
        || key.startsWith("ssl.")
        || key.equals("client.dns.lookup");
  }

  /** Consumer properties the runtime's consumer sets itself. */
  private static boolean setByTheSystem(String key) {
    return key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
        || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG)
        || key.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)
        || key.equals(ConsumerConfig.GROUP_ID_CONFIG)
        || key.equals(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
  }

  /**
   * The Kafka system's settings ({@code systems.<name>.<key>}, see the kafka-system module's
   * KafkaClientConfig) for this read: its brokers, its consumer properties, where a partition
   * without a checkpoint starts, and record metadata in the envelopes.
   */
  static Map<String, String> systemConfig(KafkaIO.Read<?, ?> read) {
    Map<String, String> config = new LinkedHashMap<>();
    Map<String, Object> consumer = read.getConsumerConfig();
    config.put(
        "bootstrap.servers",
        Objects.requireNonNull(
            asConfigString(consumer.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)),
            "bootstrap.servers"));
    new java.util.TreeMap<>(consumer)
        .forEach(
            (key, value) -> {
              String text = value == null ? null : asConfigString(value);
              if (text == null || setByTheSystem(key)) {
                return;
              }
              config.put((forEveryClient(key) ? "kafka." : "consumer.") + key, text);
            });
    // Out-of-range checkpointed offsets reset as KafkaIO's consumer would.
    config.put("consumer." + ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset(read));
    config.put(
        "samza.offset.default", autoOffsetReset(read).equals("earliest") ? "oldest" : "upcoming");
    config.put("samza.record.metadata", "true");
    return config;
  }

  /** The read's consumer config as text values (for the deserializers' {@code configure}). */
  static Map<String, String> consumerConfigAsText(KafkaIO.Read<?, ?> read) {
    Map<String, String> out = new LinkedHashMap<>();
    read.getConsumerConfig()
        .forEach(
            (k, v) -> {
              String text = v == null ? null : asConfigString(v);
              if (text != null) {
                out.put(k, text);
              }
            });
    return out;
  }

  /** A consumer property value as Kafka parses it from text, or null if it has no such form. */
  static String asConfigString(Object value) {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof Class<?> c) {
      return c.getName();
    }
    if (value instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object o : list) {
        String s = o == null ? null : asConfigString(o);
        if (s == null) {
          return null;
        }
        parts.add(s);
      }
      return String.join(",", parts);
    }
    return null;
  }

  private static Boolean asBoolean(Object value) {
    return value == null ? null : Boolean.valueOf(value.toString().trim());
  }
}
