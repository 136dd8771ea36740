package org.beamsamza.kafkaio;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Each topic's partition count, asked on the client at translation with the read's own consumer
 * config (as KafkaIO's source asks when it splits), so the plan has one input partition per topic
 * partition.
 */
final class TopicPartitionCounts {
  private TopicPartitionCounts() {}

  static Map<String, Integer> of(
      List<String> topics, Map<String, Object> consumerConfig, String stepName) {
    Map<String, Object> props = new HashMap<>(consumerConfig);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // Asking for a topic must not create it.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      for (String topic : topics) {
        List<PartitionInfo> partitions;
        try {
          partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
          throw new IllegalStateException(
              "Step '"
                  + stepName
                  + "': cannot list the partitions of Kafka topic "
                  + topic
                  + " at "
                  + consumerConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)
                  + ": "
                  + e,
              e);
        }
        if (partitions == null || partitions.isEmpty()) {
          throw new IllegalStateException(
              "Step '"
                  + stepName
                  + "' reads Kafka topic "
                  + topic
                  + ", which does not exist at "
                  + consumerConfig.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        }
        counts.put(topic, partitions.size());
      }
    }
    return counts;
  }
}
