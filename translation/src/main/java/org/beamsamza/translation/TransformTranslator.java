package org.beamsamza.translation;

import org.apache.beam.sdk.transforms.PTransform;

/**
 * Translates one kind of transform into sources and operators of the {@link TranslationContext}.
 * There is one implementation per transform kind, registered by URN in {@link PipelineTranslator},
 * so GroupByKey's translation is found under its name.
 */
public interface TransformTranslator<T extends PTransform<?, ?>> {
  /**
   * For composite transforms: whether this translator takes the whole composite (else the walk
   * descends into its expansion). Primitive translators always translate.
   */
  default boolean canTranslate(T transform, TranslationContext context) {
    return true;
  }

  void translate(T transform, TranslationContext context);
}
