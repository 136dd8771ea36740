package org.beamsamza.translation.operators;

import java.util.function.Predicate;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The accumulators a partial combine holds on the heap between emissions, one per key and window:
 * {@link AccumulatorsByWindow} for windows that never merge, {@link MergingAccumulatorsByKey} for
 * windows that do (a key's windows are merged as they are held). The operator decides when to emit
 * ({@link PartialCombineOperator}); a table only folds, bounds and releases.
 */
interface HeldAccumulators<K, InputT, AccumT> {
  /**
   * Folds {@code input} of {@code key} into its accumulator for {@code window}, whose output
   * timestamp so far is combined with {@code timestamp} (already assigned to the window).
   */
  void add(K key, Object structuralKey, BoundedWindow window, Instant timestamp, InputT input);

  /** The number of (key, window) accumulators held. */
  int entries();

  default boolean isEmpty() {
    return entries() == 0;
  }

  /**
   * A lower bound of the output timestamps of what is held ({@link
   * BoundedWindow#TIMESTAMP_MAX_VALUE} if nothing is): the output watermark may not pass it.
   */
  Instant leastTimestamp();

  /** False only if no held window ends before {@code watermark} (nothing for it to release). */
  boolean holdsWindowClosedBy(Instant watermark);

  /** Removes every accumulator whose window {@code which} selects, each handed to {@code out}. */
  void removeWindows(Predicate<BoundedWindow> which, Released<K, AccumT> out);

  /** Where released accumulators go. */
  interface Released<K, AccumT> {
    void accept(K key, AccumT accumulator, Instant timestamp, BoundedWindow window);
  }
}
