package org.beamsamza.translation.streams;

import java.io.Serializable;

/**
 * In-band control messages (DESIGN decision 3). Every producing task writes them to every partition
 * of every stream it produces; a consumer tracks them per producer so that its input watermark is
 * the minimum over all producers and its input ends when every producer has ended.
 */
public sealed interface ControlMessage extends Serializable {
  /** Index of the producing task within its stage (for a source partition: its partition). */
  int producer();

  /** The producer promises no more data with a timestamp before {@code millis}. */
  record Watermark(int producer, long millis) implements ControlMessage {}

  /** The producer will write nothing more to this stream. Implies a watermark of +infinity. */
  record EndOfStream(int producer) implements ControlMessage {}
}
