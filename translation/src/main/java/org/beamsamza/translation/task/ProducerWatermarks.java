package org.beamsamza.translation.task;

import java.util.Arrays;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.beamsamza.translation.streams.ControlMessage;
import org.joda.time.Instant;

/**
 * The watermark of one input stream partition as seen by one task: the minimum over the watermarks
 * announced by each producing task. The input has ended when every producer has sent end-of-stream.
 */
final class ProducerWatermarks implements WatermarkSource {
  private final String stream;
  private final long[] perProducer;
  private int producersEnded;
  private Instant watermark;

  ProducerWatermarks(String stream, int producerCount) {
    this.stream = stream;
    this.perProducer = new long[producerCount];
    Arrays.fill(perProducer, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());
    this.watermark =
        producerCount == 0 ? BoundedWindow.TIMESTAMP_MAX_VALUE : BoundedWindow.TIMESTAMP_MIN_VALUE;
  }

  /** An input this task reads no partition of: ended from the start. */
  static ProducerWatermarks ended(String stream) {
    return new ProducerWatermarks(stream, 0);
  }

  /** Applies a control message; returns true if the watermark advanced. */
  boolean update(ControlMessage message) {
    int producer = message.producer();
    if (producer < 0 || producer >= perProducer.length) {
      throw new IllegalStateException(
          "Stream "
              + stream
              + ": control message from producer "
              + producer
              + " but the plan has "
              + perProducer.length
              + " producers");
    }
    long max = BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis();
    long previous = perProducer[producer];
    if (message instanceof ControlMessage.EndOfStream) {
      if (previous != max) {
        producersEnded++;
      }
      perProducer[producer] = max;
    } else {
      long millis = ((ControlMessage.Watermark) message).millis();
      if (millis <= previous || previous == max) {
        return false;
      }
      perProducer[producer] = millis;
    }
    long min = Long.MAX_VALUE;
    for (long w : perProducer) {
      min = Math.min(min, w);
    }
    if (min > watermark.getMillis()) {
      watermark = new Instant(min);
      return true;
    }
    return false;
  }

  boolean isEnded() {
    return producersEnded == perProducer.length;
  }

  @Override
  public Instant watermark() {
    return watermark;
  }
}
