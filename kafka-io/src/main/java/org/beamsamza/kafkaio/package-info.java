/**
 * Native KafkaIO read for the SamzaRunner: a {@code KafkaIO.read()} becomes input partitions of a
 * Kafka system, one per topic partition, read by the runtime's own consumer and checkpointed like
 * any input; no KafkaIO reader, no reader thread, no second buffer.
 *
 * <h2>Shape</h2>
 *
 * <ul>
 *   <li>{@link org.beamsamza.kafkaio.NativeKafkaIoRegistrar} is the translation module's {@code
 *       TranslatorRegistrar} (found with {@code ServiceLoader}): it registers {@link
 *       org.beamsamza.kafkaio.KafkaReadTranslator} for the composite {@code KafkaIO.Read} when
 *       KafkaIO is on the classpath. Taking the composite whole (instead of rewriting it with a
 *       {@code PTransformOverride}) keeps KafkaIO's own expansion intact for the generic path and
 *       lets the translator produce the expansion's dead-letter output, which an error handler
 *       outside the composite reads.
 *   <li>{@link org.beamsamza.kafkaio.KafkaReadSettings} sorts the read's settings: honoured
 *       natively, left to the generic path (KafkaIO's own expansion) or refused at {@code run()}.
 *   <li>At translation the translator discovers each topic's partitions with the read's consumer
 *       config and adds one external source stream per topic on a Kafka system {@code kafkaio-<n>}
 *       (one per cluster and consumer settings) configured from the read's consumer config; the
 *       stage's task count follows the partition count.
 *   <li>In the task, {@link org.beamsamza.kafkaio.KafkaPartitionReader} (opened per owned topic
 *       partition by {@link org.beamsamza.kafkaio.KafkaRecordReaderFactory}) decodes each record
 *       with the user's deserializers into a {@code KafkaRecord}, stamps it with the user's {@code
 *       TimestampPolicy} and reports that policy's watermark on every window tick.
 * </ul>
 *
 * <p>Module placement: {@code runtime} knows neither Beam nor Kafka and {@code kafka-system} knows
 * no Beam (its consumer hands this module {@code KafkaRecordMetadata}: bytes, timestamp, type,
 * headers, lag); {@code translation} knows neither Kafka nor KafkaIO. Only this module sees all
 * three, and KafkaIO is {@code provided}: the user's pipeline brings it.
 */
package org.beamsamza.kafkaio;
