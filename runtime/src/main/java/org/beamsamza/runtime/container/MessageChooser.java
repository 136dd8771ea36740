package org.beamsamza.runtime.container;

import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Decides which partition the run loop serves next. Pluggable (as in Samza) because the right order
 * is a policy: round robin for fairness by default, but e.g. side-input (broadcast) partitions
 * first would be a different chooser.
 *
 * <p>The container offers at most one envelope per partition at a time: the next envelope of a
 * partition is offered only after the previous one was chosen. Called on the run-loop thread only.
 */
public interface MessageChooser {
  /** Called once per input partition before the first {@link #update}. */
  default void register(SystemStreamPartition ssp) {}

  /** Offers the next envelope of its partition. */
  void update(IncomingMessageEnvelope envelope);

  /** Removes and returns the envelope to process next, or null if none is offered. */
  IncomingMessageEnvelope choose();

  /**
   * The partition reached its end of stream: no envelope of it will be offered again (an end of
   * stream is never offered itself).
   */
  default void onEndOfStream(SystemStreamPartition ssp) {}
}
