package org.beamsamza.kafkaio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.values.PCollection;
import org.beamsamza.kafka.KafkaSystemFactory;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.TranslationContext;
import org.beamsamza.translation.plan.ExternalInput;
import org.beamsamza.translation.plan.ExternalSystemSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code KafkaIO.Read} taken whole: one external source stream per topic on a Kafka system of the
 * read's cluster and consumer settings, with as many partitions as the topic has. Declines (so the
 * walk translates KafkaIO's own expansion, the generic path) when {@code --nativeKafkaIO=false},
 * under {@code --experiments=use_sdf_read}, or when the read has a setting only that path honours
 * ({@link KafkaReadSettings#genericPathReasons}).
 */
final class KafkaReadTranslator implements TransformTranslator<KafkaIO.Read<?, ?>> {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaReadTranslator.class);

  /** Systems of native KafkaIO reads are named {@code kafkaio-<n>}. */
  static final String SYSTEM_PREFIX = "kafkaio-";

  @Override
  public boolean canTranslate(KafkaIO.Read<?, ?> read, TranslationContext context) {
    if (!context.options().as(NativeKafkaIoOptions.class).getNativeKafkaIO()) {
      return false;
    }
    if (ExperimentalOptions.hasExperiment(context.options(), "use_sdf_read")) {
      return false;
    }
    List<String> reasons = KafkaReadSettings.genericPathReasons(read);
    if (!reasons.isEmpty()) {
      LOG.info(
          "Step '{}' reads Kafka through KafkaIO's own source (generic path) for: {}",
          context.currentStepName(),
          String.join(", ", reasons));
      return false;
    }
    return true;
  }

  @Override
  public void translate(KafkaIO.Read<?, ?> read, TranslationContext context) {
    String step = context.currentStepName();
    List<String> refusals = KafkaReadSettings.refusals(read);
    if (!refusals.isEmpty()) {
      refusals.forEach(r -> context.unsupported("KafkaIO.read() with " + r));
      return;
    }
    PCollection<?> output =
        (PCollection<?>) context.currentApplication().getOutputs().values().iterator().next();
    List<String> outputs = new ArrayList<>(List.of(context.idOf(output)));
    List<PCollection<?>> escaping = context.escapingOutputs();
    boolean badRecords = KafkaReadSettings.hasBadRecordErrorHandler(read);
    if (badRecords) {
      if (escaping.size() != 1) {
        context.unsupported(
            "KafkaIO.read() with withBadRecordErrorHandler: expected KafkaIO's expansion to hand"
                + " one dead-letter collection to the handler, found "
                + escaping.size());
        return;
      }
      outputs.add(context.idOf(escaping.get(0)));
    } else if (!escaping.isEmpty()) {
      context.unsupported(
          "KafkaIO.read(): its expansion has outputs read outside it ("
              + escaping.size()
              + ") that the native read does not produce; --nativeKafkaIO=false reads through"
              + " KafkaIO's own expansion");
      return;
    }

    List<String> topics = new ArrayList<>(new java.util.LinkedHashSet<>(read.getTopics()));
    Map<String, Integer> partitionCounts =
        TopicPartitionCounts.of(topics, read.getConsumerConfig(), step);
    ExternalSystemSpec system =
        new ExternalSystemSpec(
            KafkaSystemFactory.class.getName(), KafkaReadSettings.systemConfig(read));
    String systemName = context.externalSystem(SYSTEM_PREFIX, system, topics);
    ExternalInput input =
        new ExternalInput(step, systemName, outputs, readerFactory(read, badRecords));
    partitionCounts.forEach((topic, count) -> context.addExternalSource(topic, count, input));
    LOG.info(
        "Step '{}' reads Kafka natively on system {}: partitions {}",
        step,
        systemName,
        partitionCounts);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static KafkaRecordReaderFactory<?, ?> readerFactory(
      KafkaIO.Read<?, ?> read, boolean badRecords) {
    TimestampPolicyFactory policy = read.getTimestampPolicyFactory();
    if (policy == null) {
      policy = TimestampPolicyFactory.withProcessingTime(); // KafkaIO's default
    }
    return new KafkaRecordReaderFactory(
        read.getKeyDeserializerProvider(),
        read.getValueDeserializerProvider(),
        KafkaReadSettings.consumerConfigAsText(read),
        policy,
        badRecords);
  }
}
