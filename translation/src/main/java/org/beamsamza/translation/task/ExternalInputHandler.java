package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.plan.ExternalInput;
import org.beamsamza.translation.spi.ExternalPartitionReader;
import org.joda.time.Instant;

/**
 * The partitions of one {@link ExternalInput} that a task owns (one per stream, e.g. partition
 * {@code i} of each topic of a KafkaIO read), each with the reader the input's factory opened. Its
 * outputs' watermark is the least of the partitions' watermarks, asked on every window tick; a task
 * that owns no partition of the input has it ended from the start. External streams never end.
 */
final class ExternalInputHandler implements InputHandler {
  private final ExternalInput input;
  private final List<PCollectionChannel> outputs;
  private final Map<SystemStreamPartition, ExternalPartitionReader> readers = new LinkedHashMap<>();
  private final ExternalPartitionReader.Outputs emitter;
  private Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  ExternalInputHandler(ExternalInput input, List<PCollectionChannel> outputs) {
    this.input = input;
    this.outputs = new ArrayList<>(outputs);
    this.emitter = (output, element) -> this.outputs.get(output).emit(element);
  }

  ExternalInput input() {
    return input;
  }

  void addPartition(SystemStreamPartition ssp, PipelineOptions options) throws Exception {
    readers.put(ssp, input.readerFactory().open(ssp, input.stepName(), options));
  }

  @Override
  public void start() throws Exception {
    if (readers.isEmpty()) {
      advance(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }
  }

  @Override
  public void handle(IncomingMessageEnvelope envelope) throws Exception {
    ExternalPartitionReader reader = readers.get(envelope.getSystemStreamPartition());
    if (reader == null) {
      throw new IllegalStateException(
          "Step '"
              + input.stepName()
              + "' got a message of "
              + envelope.getSystemStreamPartition()
              + ", a partition its task does not own");
    }
    reader.process(envelope, emitter);
  }

  @Override
  public void onTick(Instant now) throws Exception {
    if (readers.isEmpty()) {
      return;
    }
    Instant least = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (ExternalPartitionReader reader : readers.values()) {
      Instant w = reader.watermark(now);
      if (w.isBefore(least)) {
        least = w;
      }
    }
    // An external stream never ends: its watermark stays short of the end of time.
    if (!least.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      least = BoundedWindow.TIMESTAMP_MAX_VALUE.minus(org.joda.time.Duration.millis(1));
    }
    advance(least);
  }

  private void advance(Instant newWatermark) throws Exception {
    if (newWatermark.isAfter(watermark)) {
      watermark = newWatermark;
      for (PCollectionChannel output : outputs) {
        output.advanceWatermark(newWatermark);
      }
    }
  }

  @Override
  public boolean isEnded() {
    return readers.isEmpty();
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (ExternalPartitionReader reader : readers.values()) {
      try {
        reader.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
