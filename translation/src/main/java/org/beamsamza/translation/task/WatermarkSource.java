package org.beamsamza.translation.task;

import org.joda.time.Instant;

/** Anything a node's input watermark is the minimum of: a local PCollection or an input stream. */
interface WatermarkSource {
  Instant watermark();
}
