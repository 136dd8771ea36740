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
 *
 * <p>Watermarks are coalesced: an advance is only remembered, and the latest one is sent on the
 * task's next window tick or commit ({@link #sendPendingWatermark}). A source announces a new
 * watermark after every poll (up to 1,024 elements), and each announcement would cost one control
 * message per partition here and a bundle end per consumer task there; a consumer's timers fire at
 * most one window tick later for it. End of stream is not delayed: it goes at once, after any
 * pending watermark. Sending a watermark later is always safe: what was sent before it stays ahead
 * of it.
 */
final class StreamSink implements ElementConsumer {
  private final SinkSpec spec;
  private final SystemStream stream;
  private final int producerIndex;
  private final StageTask task;
  private final Coder<Object> keyCoder;
  private final Coder<WindowedValue<Object>> valueCoder;
  private Instant lastWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /** The latest watermark not sent yet, or null. */
  private Instant pendingWatermark;

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
    if (watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      pendingWatermark = watermark;
      return;
    }
    pendingWatermark = null; // end of stream says more than any watermark
    ended = true;
    sendControl(new ControlMessage.EndOfStream(producerIndex));
  }

  /** Sends the latest watermark not sent yet, if any (on the window tick and before a commit). */
  void sendPendingWatermark() {
    if (pendingWatermark != null) {
      Instant watermark = pendingWatermark;
      pendingWatermark = null;
      sendControl(new ControlMessage.Watermark(producerIndex, watermark.getMillis()));
    }
  }

  private void sendControl(ControlMessage control) {
    byte[] bytes = StreamRecords.encodeControl(control);
    for (int p = 0; p < spec.partitionCount(); p++) {
      task.collector().send(new OutgoingMessageEnvelope(stream, p, null, bytes));
    }
  }

  boolean isEnded() {
    return ended;
  }
}
