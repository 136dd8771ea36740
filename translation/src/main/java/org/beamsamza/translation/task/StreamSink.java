package org.beamsamza.translation.task;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.translation.plan.SinkSpec;
import org.beamsamza.translation.streams.ControlMessage;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;

/**
 * Writes a PCollection of the task to an intermediate stream. A keyed sink sends each element to
 * the partition its encoded key hashes to, with the key bytes as message key; a broadcast sink
 * sends everything to its single partition. Watermarks and end of stream go to every partition,
 * tagged with this task's index, so that each consumer can take the minimum over producers.
 */
final class StreamSink implements ElementConsumer {
  private final SinkSpec spec;
  private final SystemStream stream;
  private final int producerIndex;
  private final StageTask task;
  private final Coder<Object> keyCoder;
  private final Coder<WindowedValue<Object>> valueCoder;
  private Instant lastWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private boolean ended;

  @SuppressWarnings("unchecked")
  StreamSink(SinkSpec spec, SystemStream stream, int producerIndex, StageTask task) {
    this.spec = spec;
    this.stream = stream;
    this.producerIndex = producerIndex;
    this.task = task;
    this.keyCoder = (Coder<Object>) spec.keyCoder();
    this.valueCoder = (Coder<WindowedValue<Object>>) spec.valueCoder();
  }

  @Override
  @SuppressWarnings("unchecked")
  public void accept(WindowedValue<?> element) {
    if (keyCoder != null) {
      KV<Object, Object> kv = (KV<Object, Object>) element.getValue();
      byte[] keyBytes = StreamRecords.encodeKey(keyCoder, kv.getKey());
      byte[] message = StreamRecords.encodeData(valueCoder, element.withValue(kv.getValue()));
      int partition = StreamRecords.partitionFor(keyBytes, spec.partitionCount());
      task.collector().send(new OutgoingMessageEnvelope(stream, partition, keyBytes, message));
    } else {
      byte[] message = StreamRecords.encodeData(valueCoder, (WindowedValue<Object>) element);
      for (int p = 0; p < spec.partitionCount(); p++) {
        task.collector().send(new OutgoingMessageEnvelope(stream, p, null, message));
      }
    }
  }

  @Override
  public void onWatermark(Instant watermark) {
    if (ended || !watermark.isAfter(lastWatermark)) {
      return;
    }
    lastWatermark = watermark;
    ControlMessage control =
        watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)
            ? new ControlMessage.Watermark(producerIndex, watermark.getMillis())
            : new ControlMessage.EndOfStream(producerIndex);
    ended = control instanceof ControlMessage.EndOfStream;
    byte[] bytes = StreamRecords.encodeControl(control);
    for (int p = 0; p < spec.partitionCount(); p++) {
      task.collector().send(new OutgoingMessageEnvelope(stream, p, null, bytes));
    }
  }

  boolean isEnded() {
    return ended;
  }
}
