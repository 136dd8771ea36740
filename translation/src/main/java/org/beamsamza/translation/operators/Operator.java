package org.beamsamza.translation.operators;

import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;

/**
 * One step of a fused stage as it runs inside a task: it gets elements and watermarks of its inputs
 * and sends elements and its output watermark through the {@link OperatorContext}. All calls happen
 * on the task's run-loop thread, inside a bundle ({@link #startBundle} is called lazily by the task
 * before the first element or timer of a bundle).
 *
 * <p>The default behaviour of every optional call is that of a stateless step: the output watermark
 * follows the input watermark.
 */
public interface Operator {
  void open(OperatorContext context) throws Exception;

  void processElement(WindowedValue<?> element) throws Exception;

  /**
   * An element read from a repartition stream, with its key's encoded bytes (so that keyed state is
   * addressed without encoding the key again).
   */
  default void processKeyedElement(byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element)
      throws Exception {
    processElement(element);
  }

  /**
   * Whether this operator keeps its keyed input's records as they came and decodes them itself,
   * later (the sorted operators log them until the end of input): the task then hands it each
   * record undecoded ({@link #processKeyedRecord}) instead of decoding it on arrival only for it to
   * be thrown away; the operator reports an undecodable record when it decodes it.
   */
  default boolean decodesItsOwnRecords() {
    return false;
  }

  /**
   * A repartition stream's record, undecoded, for an operator that {@link #decodesItsOwnRecords}:
   * its payload ({@link StreamRecords#dataPayload}) is the element's value encoded with the keyed
   * input's windowed-value coder.
   */
  default void processKeyedRecord(byte[] keyBytes, byte[] record) throws Exception {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not decode records of its own");
  }

  /** The minimum watermark of the main inputs advanced to {@code watermark}. */
  void processWatermark(Instant watermark) throws Exception;

  default void processSideInput(PCollectionView<?> view, WindowedValue<?> element)
      throws Exception {
    throw new IllegalStateException(getClass().getSimpleName() + " has no side inputs");
  }

  default void processSideInputWatermark(PCollectionView<?> view, Instant watermark)
      throws Exception {
    throw new IllegalStateException(getClass().getSimpleName() + " has no side inputs");
  }

  /** Called on the task's window tick, inside a bundle: fire due processing-time timers. */
  default void processProcessingTime(Instant now) throws Exception {}

  default void startBundle() throws Exception {}

  default void finishBundle() throws Exception {}

  /**
   * Called before the task commits: emit anything held back across bundles (the commit that follows
   * checkpoints input offsets, so nothing derived from them may stay buffered).
   */
  default void prepareCommit() throws Exception {}

  /**
   * True while this operator still has work that needs no more input, only time (a splittable
   * DoFn's restrictions waiting for their resume timers): the task does not finish while any of its
   * operators says so, even after every input has ended. Asked after every input ended.
   */
  default boolean hasPendingWork() {
    return false;
  }

  default void close() throws Exception {}
}
