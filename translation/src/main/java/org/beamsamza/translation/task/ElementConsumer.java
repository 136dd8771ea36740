package org.beamsamza.translation.task;

import org.apache.beam.sdk.values.WindowedValue;

/** A reader of a PCollection inside a task: a node's main input or a sink to a stream. */
interface ElementConsumer {
  void accept(WindowedValue<?> element) throws Exception;

  /** The PCollection's watermark advanced. */
  void onWatermark(org.joda.time.Instant watermark) throws Exception;
}
