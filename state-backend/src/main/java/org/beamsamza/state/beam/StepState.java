package org.beamsamza.state.beam;

import java.util.Objects;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;

/**
 * Everything keyed that one step keeps in its task's store: per-key Beam state (with every
 * watermark hold indexed), the step's timers and its holds index. Composes the store-backed pieces
 * so that an operator (GroupByKey, stateful ParDo) needs one object; all of it lives under the
 * step's id in the store, so several steps of one task share the store without seeing each other.
 */
public final class StepState {
  private final KeyValueStore store;
  private final String stepId;
  private final KeyValueWatermarkHolds holds;
  private final KeyValueTimers timers;
  private final ElementSequence sequence;
  private final BagPaging bagPaging;

  /**
   * @param windowCoder the coder of the step's windows, needed to decode timers' namespaces
   */
  public StepState(KeyValueStore store, String stepId, Coder<? extends BoundedWindow> windowCoder) {
    this(store, stepId, windowCoder, null);
  }

  /**
   * As above; with {@code bagPaging} non-null, bags larger than one page are read lazily ({@link
   * PagedBagRead}). Only for steps that control when their bags are cleared and whose readers do
   * not keep a read past a clear (a GroupByKey: its buffer is cleared by the ReduceFnRunner after
   * the pane is output); a user's {@code BagState} may legally be read, cleared and then iterated.
   */
  public StepState(
      KeyValueStore store,
      String stepId,
      Coder<? extends BoundedWindow> windowCoder,
      BagPaging bagPaging) {
    this(store, stepId, windowCoder, bagPaging, KeyValueTimers.OutputHolds.EVENT_TIME_TIMERS);
  }

  /**
   * As above; {@code outputHolds} says which timers' output timestamps hold the step's output
   * watermark ({@link KeyValueTimers.OutputHolds#ALL_TIMERS} for a stateful ParDo's user timers).
   */
  public StepState(
      KeyValueStore store,
      String stepId,
      Coder<? extends BoundedWindow> windowCoder,
      BagPaging bagPaging,
      KeyValueTimers.OutputHolds outputHolds) {
    this.bagPaging = bagPaging;
    this.store = Objects.requireNonNull(store, "store");
    this.stepId = Objects.requireNonNull(stepId, "stepId");
    this.holds = new KeyValueWatermarkHolds(store, stepId);
    this.timers = new KeyValueTimers(store, stepId, windowCoder, outputHolds);
    this.sequence = ElementSequence.open(store, stepId);
  }

  /** The state of one key; {@code key} is the decoded key {@link StateInternals#getKey} returns. */
  public StateInternals forKey(ByteKey keyBytes, Object key) {
    return new HoldTrackingStateInternals(
        new KeyValueStateInternals(store, stepId, keyBytes.bytes(), key, sequence, bagPaging),
        keyBytes,
        holds);
  }

  /**
   * A log of the step's elements by key, numbered by the step's own sequence (one per step and
   * store). Call once per step.
   */
  public KeyedElementLog keyedElementLog() {
    return new KeyedElementLog(store, stepId, sequence);
  }

  public KeyValueTimers timers() {
    return timers;
  }

  /** The earliest watermark hold of any key of this step, or null. */
  public Instant earliestHold() {
    return holds.earliest();
  }
}
