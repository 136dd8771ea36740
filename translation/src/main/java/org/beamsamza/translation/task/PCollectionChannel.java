package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A PCollection inside one task: hands each element to its consumers as a Java object (no encoding
 * inside a fused stage) and tracks its watermark.
 */
final class PCollectionChannel implements WatermarkSource {
  private final String id;
  private ElementConsumer[] consumers = new ElementConsumer[0];
  private Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  PCollectionChannel(String id) {
    this.id = id;
  }

  void addConsumer(ElementConsumer consumer) {
    List<ElementConsumer> list = new ArrayList<>(List.of(consumers));
    list.add(consumer);
    consumers = list.toArray(new ElementConsumer[0]);
  }

  void emit(WindowedValue<?> element) throws Exception {
    for (ElementConsumer consumer : consumers) {
      consumer.accept(element);
    }
  }

  void advanceWatermark(Instant newWatermark) throws Exception {
    if (!newWatermark.isAfter(watermark)) {
      return;
    }
    watermark = newWatermark;
    for (ElementConsumer consumer : consumers) {
      consumer.onWatermark(newWatermark);
    }
  }

  @Override
  public Instant watermark() {
    return watermark;
  }

  String id() {
    return id;
  }
}
