package org.beamsamza.translation.spi;

import java.util.Map;
import org.apache.beam.sdk.transforms.PTransform;
import org.beamsamza.translation.TransformTranslator;

/**
 * Lets a module on the classpath add translators without the translation module depending on it
 * (found with {@link java.util.ServiceLoader}; list the implementation in {@code
 * META-INF/services/org.beamsamza.translation.spi.TranslatorRegistrar}). The native KafkaIO read
 * (module {@code kafka-io}) plugs in this way, so that jobs without KafkaIO carry none of it.
 *
 * <p>An implementation must load without the classes it translates: return an empty map when they
 * are not on the classpath, and reference them only from the translators it returns.
 */
public interface TranslatorRegistrar {
  /**
   * Composite transforms to translate whole, by class (instances of subclasses match too). The
   * translator's {@link TransformTranslator#canTranslate} may decline one application, which is
   * then translated through its expansion as usual.
   */
  Map<Class<? extends PTransform<?, ?>>, TransformTranslator<?>> compositeTranslators();
}
