package org.beamsamza.kafkaio;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The switch between the native KafkaIO read and KafkaIO's own (generic) expansion. */
public interface NativeKafkaIoOptions extends PipelineOptions {
  @Description(
      "Read KafkaIO.read() natively (each topic partition an input partition of the runtime's"
          + " Kafka consumer, offsets checkpointed by the runner); false runs KafkaIO's own"
          + " unbounded source through the generic unbounded-read path")
  @Default.Boolean(true)
  boolean getNativeKafkaIO();

  void setNativeKafkaIO(boolean nativeKafkaIO);
}
