package org.beamsamza.translation.spi;

import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.joda.time.Instant;

/**
 * Decodes the messages of one partition of an external system's stream (e.g. a Kafka topic
 * partition that the runtime's own consumer reads) into elements, and says how far that partition's
 * event time has got. Runs on the task's thread only.
 */
public interface ExternalPartitionReader extends AutoCloseable {
  /** Where decoded elements go: {@code output} indexes the input's {@code outputs}. */
  interface Outputs {
    void emit(int output, WindowedValue<?> element) throws Exception;
  }

  /** One message of the partition, in offset order. */
  void process(IncomingMessageEnvelope envelope, Outputs outputs) throws Exception;

  /**
   * The partition's watermark now. Asked on the task's window tick (not per message: every advance
   * travels to every downstream partition), so an idle partition's watermark moves too.
   */
  Instant watermark(Instant now) throws Exception;

  @Override
  default void close() throws Exception {}
}
