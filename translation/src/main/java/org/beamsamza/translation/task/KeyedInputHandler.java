package org.beamsamza.translation.task;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.translation.streams.StreamRecords;
import org.beamsamza.translation.streams.UndecodableRecordException;

/** A repartition stream feeding one keyed operator. */
final class KeyedInputHandler implements InputHandler {
  private final OperatorNode target;
  private final ProducerWatermarks watermarks;
  private final Coder<Object> keyCoder;
  private final Coder<WindowedValue<Object>> valueCoder;

  /** The target keeps records undecoded until it needs them (and reports undecodable ones). */
  private final boolean undecoded;

  @SuppressWarnings("unchecked")
  KeyedInputHandler(
      OperatorNode target, ProducerWatermarks watermarks, Coder<?> keyCoder, Coder<?> valueCoder) {
    this.target = target;
    this.watermarks = watermarks;
    this.keyCoder = (Coder<Object>) keyCoder;
    this.valueCoder = (Coder<WindowedValue<Object>>) valueCoder;
    this.undecoded = target.decodesItsOwnRecords();
  }

  @Override
  public void handle(IncomingMessageEnvelope envelope) throws Exception {
    byte[] message = (byte[]) envelope.getMessage();
    try {
      if (StreamRecords.isData(message)) {
        byte[] keyBytes = (byte[]) envelope.getKey();
        if (undecoded) {
          target.deliverKeyedRecord(keyBytes, message);
          return;
        }
        Object key = StreamRecords.decodeKey(keyCoder, keyBytes);
        WindowedValue<Object> value = StreamRecords.decodeData(valueCoder, message);
        target.deliverKeyed(keyBytes, value.withValue(KV.of(key, value.getValue())));
      } else if (watermarks.update(StreamRecords.decodeControl(message))) {
        target.onInputWatermarkChanged();
      }
    } catch (UndecodableRecordException | ClassCastException | NullPointerException e) {
      throw new UndecodableRecordException(
          "Undecodable record at "
              + envelope.getSystemStreamPartition()
              + " offset "
              + envelope.getOffset()
              + " (feeding "
              + target.stepName()
              + ")",
          e);
    }
  }

  @Override
  public boolean isEnded() {
    return watermarks.isEnded();
  }
}
