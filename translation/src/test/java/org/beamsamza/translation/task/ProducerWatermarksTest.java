package org.beamsamza.translation.task;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.beamsamza.translation.streams.ControlMessage;
import org.joda.time.Instant;
import org.junit.Test;

public class ProducerWatermarksTest {
  @Test
  public void theWatermarkIsTheMinimumOverProducers() {
    ProducerWatermarks w = new ProducerWatermarks("s", 3);
    assertThat(w.update(new ControlMessage.Watermark(0, 100)), is(false));
    assertThat(w.update(new ControlMessage.Watermark(1, 50)), is(false));
    assertThat(w.watermark(), is(BoundedWindow.TIMESTAMP_MIN_VALUE));
    assertThat(w.update(new ControlMessage.Watermark(2, 70)), is(true));
    assertThat(w.watermark(), is(new Instant(50)));
    assertThat(w.update(new ControlMessage.Watermark(1, 200)), is(true));
    assertThat(w.watermark(), is(new Instant(70)));
  }

  @Test
  public void agreesWithTheMinimumOverAPlainArrayForRandomUpdates() {
    java.util.Random random = new java.util.Random(42);
    for (int round = 0; round < 200; round++) {
      int producers = 1 + random.nextInt(8);
      ProducerWatermarks w = new ProducerWatermarks("s", producers);
      long[] model = new long[producers];
      java.util.Arrays.fill(model, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());
      long expectedWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
      for (int step = 0; step < 60; step++) {
        int producer = random.nextInt(producers);
        boolean end = random.nextInt(10) == 0;
        ControlMessage m =
            end
                ? new ControlMessage.EndOfStream(producer)
                : new ControlMessage.Watermark(producer, random.nextInt(20));
        long max = BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis();
        if (end) {
          model[producer] = max;
        } else if (model[producer] != max) {
          model[producer] = Math.max(model[producer], ((ControlMessage.Watermark) m).millis());
        }
        long min = java.util.Arrays.stream(model).min().getAsLong();
        boolean advanced = min > expectedWatermark;
        expectedWatermark = Math.max(expectedWatermark, min);

        assertThat("round " + round + " step " + step, w.update(m), is(advanced));
        assertThat(w.watermark().getMillis(), is(expectedWatermark));
      }
    }
  }

  @Test
  public void aWatermarkNeverGoesBack() {
    ProducerWatermarks w = new ProducerWatermarks("s", 1);
    w.update(new ControlMessage.Watermark(0, 100));
    assertThat(w.update(new ControlMessage.Watermark(0, 40)), is(false));
    assertThat(w.watermark(), is(new Instant(100)));
  }

  @Test
  public void theInputEndsWhenEveryProducerHasEnded() {
    ProducerWatermarks w = new ProducerWatermarks("s", 2);
    w.update(new ControlMessage.EndOfStream(0));
    assertThat(w.isEnded(), is(false));
    w.update(new ControlMessage.EndOfStream(0)); // a repeated end counts once
    assertThat(w.isEnded(), is(false));
    w.update(new ControlMessage.Watermark(1, 10));
    assertThat(w.watermark(), is(new Instant(10)));
    w.update(new ControlMessage.EndOfStream(1));
    assertThat(w.isEnded(), is(true));
    assertThat(w.watermark(), is(BoundedWindow.TIMESTAMP_MAX_VALUE));
  }

  /** A TestStream advances to +infinity, then ends: the end still counts. */
  @Test
  public void anEndAfterAWatermarkOfInfinityStillEndsTheInput() {
    ProducerWatermarks w = new ProducerWatermarks("s", 1);
    assertThat(
        w.update(new ControlMessage.Watermark(0, BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis())),
        is(true));
    assertThat(w.isEnded(), is(false));
    w.update(new ControlMessage.EndOfStream(0));
    assertThat(w.isEnded(), is(true));
  }

  @Test
  public void anInputThisTaskDoesNotReadHasEndedFromTheStart() {
    ProducerWatermarks w = ProducerWatermarks.ended("s");
    assertThat(w.isEnded(), is(true));
    assertThat(w.watermark(), is(BoundedWindow.TIMESTAMP_MAX_VALUE));
  }

  @Test
  public void aControlMessageFromAnUnknownProducerFailsNamingTheStream() {
    ProducerWatermarks w = new ProducerWatermarks("orders-repartition", 2);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> w.update(new ControlMessage.Watermark(5, 1)));
    assertThat(e.getMessage(), containsString("orders-repartition"));
  }
}
