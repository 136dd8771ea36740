package org.beamsamza.translation.task;

import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.translation.streams.ControlMessage;

/** A bounded-source partition: elements arrive as objects; the source ends with end-of-stream. */
final class SourceInputHandler implements InputHandler {
  private final PCollectionChannel output;
  private final ProducerWatermarks watermarks;

  SourceInputHandler(PCollectionChannel output, ProducerWatermarks watermarks) {
    this.output = output;
    this.watermarks = watermarks;
  }

  /** A source partition this task does not own is empty and finished from the start. */
  @Override
  public void start() throws Exception {
    if (watermarks.isEnded()) {
      output.advanceWatermark(watermarks.watermark());
    }
  }

  @Override
  public void handle(IncomingMessageEnvelope envelope) throws Exception {
    Object message = envelope.getMessage();
    if (message instanceof ControlMessage control) {
      if (watermarks.update(control)) {
        output.advanceWatermark(watermarks.watermark());
      }
    } else {
      output.emit((WindowedValue<?>) message);
    }
  }

  @Override
  public boolean isEnded() {
    return watermarks.isEnded();
  }
}
