package org.beamsamza.translation.task;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.translation.streams.StreamRecords;
import org.beamsamza.translation.streams.UndecodableRecordException;

/** A side input's broadcast stream, delivered to every node of the task that reads the view. */
final class BroadcastInputHandler implements InputHandler {
  private final PCollectionView<?> view;
  private final List<OperatorNode> targets;
  private final ProducerWatermarks watermarks;
  private final Coder<WindowedValue<Object>> coder;

  @SuppressWarnings("unchecked")
  BroadcastInputHandler(
      PCollectionView<?> view,
      List<OperatorNode> targets,
      ProducerWatermarks watermarks,
      Coder<?> coder) {
    this.view = view;
    this.targets = targets;
    this.watermarks = watermarks;
    this.coder = (Coder<WindowedValue<Object>>) coder;
  }

  @Override
  public void handle(IncomingMessageEnvelope envelope) throws Exception {
    byte[] message = (byte[]) envelope.getMessage();
    try {
      if (StreamRecords.isData(message)) {
        WindowedValue<Object> value = StreamRecords.decodeData(coder, message);
        for (OperatorNode node : targets) {
          node.deliverSideInput(view, value);
        }
      } else if (watermarks.update(StreamRecords.decodeControl(message))) {
        for (OperatorNode node : targets) {
          node.onSideInputWatermark(view, watermarks.watermark());
        }
      }
    } catch (UndecodableRecordException | ClassCastException e) {
      throw new UndecodableRecordException(
          "Undecodable side-input record at "
              + envelope.getSystemStreamPartition()
              + " offset "
              + envelope.getOffset(),
          e);
    }
  }

  @Override
  public boolean isEnded() {
    return watermarks.isEnded();
  }
}
