package org.beamsamza.benchmarks.shapes;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Event {@code i} as {@code KV(i % keys, i)} at event time {@code i * 10} ms (100 events per second
 * of event time), the input of the windowed and stateful shapes.
 */
final class KeyedEvents extends DoFn<Long, KV<Long, Long>> {
  static final long SPACING_MS = 10;

  private final long keys;

  KeyedEvents(long keys) {
    this.keys = keys;
  }

  static long timestampMs(long i) {
    return i * SPACING_MS;
  }

  @ProcessElement
  public void process(@Element Long i, OutputReceiver<KV<Long, Long>> out) {
    out.outputWithTimestamp(KV.of(i % keys, i), new Instant(timestampMs(i)));
  }
}
