package org.beamsamza.kafkaio;

import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.kafka.DeserializerProvider;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.kafka.common.TopicPartition;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.spi.ExternalPartitionReader;
import org.beamsamza.translation.spi.ExternalReaderFactory;

/**
 * What a task needs to decode a native KafkaIO read's partitions, shipped in the plan: the user's
 * deserializer providers with the consumer config they are configured with, the timestamp policy
 * factory, and whether bad records go to a dead-letter output.
 */
final class KafkaRecordReaderFactory<K, V> implements ExternalReaderFactory {
  private final DeserializerProvider<K> keys;
  private final DeserializerProvider<V> values;
  private final Map<String, String> consumerConfig;
  private final TimestampPolicyFactory<K, V> timestampPolicy;
  private final boolean badRecordOutput;

  KafkaRecordReaderFactory(
      DeserializerProvider<K> keys,
      DeserializerProvider<V> values,
      Map<String, String> consumerConfig,
      TimestampPolicyFactory<K, V> timestampPolicy,
      boolean badRecordOutput) {
    this.keys = keys;
    this.values = values;
    this.consumerConfig = new java.util.HashMap<>(consumerConfig);
    this.timestampPolicy = timestampPolicy;
    this.badRecordOutput = badRecordOutput;
  }

  @Override
  public ExternalPartitionReader open(
      SystemStreamPartition ssp, String stepName, PipelineOptions options) {
    TopicPartition tp = new TopicPartition(ssp.getStream(), ssp.getPartition());
    return new KafkaPartitionReader<>(
        stepName,
        tp,
        keys.getDeserializer(consumerConfig, true),
        values.getDeserializer(consumerConfig, false),
        // No watermark is kept across restarts: the policy starts afresh from the records.
        timestampPolicy.createTimestampPolicy(tp, Optional.empty()),
        badRecordOutput);
  }
}
