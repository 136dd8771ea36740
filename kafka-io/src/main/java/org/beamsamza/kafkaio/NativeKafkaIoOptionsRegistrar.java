package org.beamsamza.kafkaio;

import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/** Makes {@code --nativeKafkaIO} known to {@code PipelineOptionsFactory.fromArgs}. */
public final class NativeKafkaIoOptionsRegistrar implements PipelineOptionsRegistrar {
  @Override
  public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
    return List.of(NativeKafkaIoOptions.class);
  }
}
