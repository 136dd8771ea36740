package org.beamsamza.kafkaio;

import java.util.Map;
import org.apache.beam.sdk.transforms.PTransform;
import org.beamsamza.translation.TransformTranslator;
import org.beamsamza.translation.spi.TranslatorRegistrar;

/**
 * Registers the native KafkaIO read when KafkaIO is on the classpath. This class names no KafkaIO
 * type in its signatures, so it loads (and registers nothing) in jobs without KafkaIO.
 */
public final class NativeKafkaIoRegistrar implements TranslatorRegistrar {
  static final String KAFKA_IO_READ = "org.apache.beam.sdk.io.kafka.KafkaIO$Read";

  @Override
  @SuppressWarnings("unchecked")
  public Map<Class<? extends PTransform<?, ?>>, TransformTranslator<?>> compositeTranslators() {
    Class<?> read;
    try {
      read = Class.forName(KAFKA_IO_READ, false, NativeKafkaIoRegistrar.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError noKafkaIo) {
      return Map.of();
    }
    return Map.of((Class<? extends PTransform<?, ?>>) read, new KafkaReadTranslator());
  }
}
