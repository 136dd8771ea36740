package org.beamsamza.translation.operators;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.state.beam.KeyedElementLog;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;

/**
 * The operator side both sorted operators share (GroupByKey and stateful ParDo over bounded input),
 * so that it is written once: every element, decoded or a repartition stream's record, goes to the
 * {@link SortedKeyedInput} log; the log reaches the store before every commit; at the end of input
 * each key runs once ({@link #runKey}) and the output watermark jumps to the end. A subclass says
 * only how one key runs.
 *
 * @param <K> the key
 * @param <V> the value the log holds per element (the keyed input's value, without its key)
 */
abstract class SortedKeyedOperator<K, V> implements Operator {
  private SortedKeyedInput<K, V> input;
  private OperatorContext context;

  /** Starts the log; a subclass calls this from {@link #open}. */
  protected final void openInput(
      OperatorContext context,
      KeyedElementLog log,
      Coder<K> keyCoder,
      Coder<WindowedValue<V>> elementCoder,
      int heapElements) {
    this.context = context;
    this.input =
        new SortedKeyedInput<>(context.stepName(), log, keyCoder, elementCoder, heapElements);
  }

  /** Runs one key, once, at the end of input. */
  protected abstract void runKey(SortedKeyedInput.SortedKey<K, V> key) throws Exception;

  /** After the keys ran (or one failed): drops what the runs kept of the last key. */
  protected void afterKeys() {}

  @Override
  @SuppressWarnings("unchecked")
  public final void processElement(WindowedValue<?> element) throws Exception {
    K key = ((KV<K, V>) element.getValue()).getKey();
    processKeyedElement(
        StreamRecords.encodeKey(input.keyCoder(), key), (WindowedValue<KV<K, V>>) element);
  }

  @Override
  @SuppressWarnings("unchecked")
  public final void processKeyedElement(
      byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element) {
    V value = ((KV<K, V>) element.getValue()).getValue();
    input.append(keyBytes, element.withValue(value));
  }

  /** Records from the repartition stream go to the log as they came, decoded at the end. */
  @Override
  public final boolean decodesItsOwnRecords() {
    return true;
  }

  /** The record's payload is the element as the log keeps it. */
  @Override
  public final void processKeyedRecord(byte[] keyBytes, byte[] record) {
    input.appendRecord(keyBytes, record);
  }

  /** The log's appends reach the store before the commit checkpoints their input offsets. */
  @Override
  public final void prepareCommit() {
    input.flush();
  }

  @Override
  public final void processWatermark(Instant watermark) throws Exception {
    try {
      if (input.runEveryKeyAtEnd(watermark, this::runKey)) {
        context.emitWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
      }
    } finally {
      afterKeys();
    }
  }
}
