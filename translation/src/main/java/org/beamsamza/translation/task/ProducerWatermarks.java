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

  /**
   * Who sent end-of-stream, apart from who announced a watermark of +infinity: a TestStream's
   * script may advance to +infinity before its end, and that must not make its end go uncounted.
   */
  private final boolean[] endedProducers;

  private int producersEnded;
  private Instant watermark;

  /**
   * The least value in {@link #perProducer} and how many producers hold it. Kept so that an update
   * costs O(1) amortized instead of a scan of every producer: a stage of P tasks gets about 2P
   * control messages per input partition, so a scan per message made wide jobs cubic in P.
   */
  private long least;

  private int atLeast;

  ProducerWatermarks(String stream, int producerCount) {
    this.stream = stream;
    this.perProducer = new long[producerCount];
    this.endedProducers = new boolean[producerCount];
    Arrays.fill(perProducer, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());
    this.watermark =
        producerCount == 0 ? BoundedWindow.TIMESTAMP_MAX_VALUE : BoundedWindow.TIMESTAMP_MIN_VALUE;
    this.least = watermark.getMillis();
    this.atLeast = producerCount;
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
    long next;
    if (message instanceof ControlMessage.EndOfStream) {
      if (!endedProducers[producer]) {
        endedProducers[producer] = true;
        producersEnded++;
      }
      next = max;
    } else {
      next = ((ControlMessage.Watermark) message).millis();
      if (next <= previous || previous == max) {
        return false;
      }
    }
    if (next == previous) {
      return false;
    }
    perProducer[producer] = next;
    if (previous == least && --atLeast == 0) {
      recomputeLeast();
    }
    if (least > watermark.getMillis()) {
      watermark = new Instant(least);
      return true;
    }
    return false;
  }

  private void recomputeLeast() {
    long min = Long.MAX_VALUE;
    int count = 0;
    for (long w : perProducer) {
      if (w < min) {
        min = w;
        count = 1;
      } else if (w == min) {
        count++;
      }
    }
    least = min;
    atLeast = count;
  }

  boolean isEnded() {
    return producersEnded == perProducer.length;
  }

  @Override
  public Instant watermark() {
    return watermark;
  }
}
