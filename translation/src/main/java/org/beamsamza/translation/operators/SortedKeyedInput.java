package org.beamsamza.translation.operators;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.io.ByteArrayInput;
import org.beamsamza.state.beam.KeyedElementLog;
import org.beamsamza.translation.streams.StreamRecords;
import org.beamsamza.translation.streams.UndecodableRecordException;
import org.joda.time.Instant;

/**
 * The input side the sorted operators share (GroupByKey and stateful ParDo over bounded input), so
 * that logging and the run-each-key-once loop are written once. Until the end of input an element
 * costs one append to a {@link KeyedElementLog} in the task's store (kept as the repartition stream
 * carried it, no second encoding); when the watermark reaches the end of time the log is read back
 * in key order and each key is handed to the operator once, its elements decoded a batch at a time.
 * The log is in the store and flushed before every commit, so a restart before the end finds every
 * element whose input offset was checkpointed.
 *
 * @param <K> the key
 * @param <V> the value the log holds per element (the keyed input's value, without its key)
 */
final class SortedKeyedInput<K, V> {
  /** Elements per store read and per batch handed out past a key's first elements. */
  static final int BATCH = 1_000;

  /** Runs one key, once, at the end of input. */
  interface KeyRun<K, V> {
    void run(SortedKey<K, V> key) throws Exception;
  }

  private final String stepName;
  private final KeyedElementLog log;
  private final Coder<K> keyCoder;
  private final Coder<WindowedValue<V>> elementCoder;
  private final int heapElements;
  private boolean ended;

  /**
   * @param stepName the operator's step, named by the error about an undecodable record
   * @param elementCoder the keyed input's windowed-value coder (values without their key)
   * @param heapElements a key with more elements than this is not {@link SortedKey#fitsOnHeap()}
   */
  SortedKeyedInput(
      String stepName,
      KeyedElementLog log,
      Coder<K> keyCoder,
      Coder<WindowedValue<V>> elementCoder,
      int heapElements) {
    this.stepName = stepName;
    this.log = log;
    this.keyCoder = keyCoder;
    this.elementCoder = elementCoder;
    this.heapElements = heapElements;
  }

  Coder<K> keyCoder() {
    return keyCoder;
  }

  /** Logs an element that did not come from a repartition stream (encoded as one would). */
  void append(byte[] keyBytes, WindowedValue<V> element) {
    log.append(
        keyBytes, StreamRecords.dataPayload(StreamRecords.encodeData(elementCoder, element)));
  }

  /** Logs an element as its repartition stream record carried it. */
  void appendRecord(byte[] keyBytes, byte[] record) {
    log.append(keyBytes, StreamRecords.dataPayload(record));
  }

  /** Writes the appends not written yet to the store (before a commit checkpoints their input). */
  void flush() {
    log.flush();
  }

  /**
   * At the first watermark at the end of time, runs every key of the log once, in key order, and
   * returns true; else (and ever after) does nothing and returns false.
   */
  boolean runEveryKeyAtEnd(Instant watermark, KeyRun<K, V> run) throws Exception {
    if (ended || watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      return false;
    }
    ended = true;
    KeyedElementLog.Reader reader = log.read(BATCH);
    byte[] keyBytes;
    while ((keyBytes = reader.nextKey()) != null) {
      run.run(new SortedKey<>(this, reader, keyBytes));
    }
    // Deleted only once every key ran: if a key fails (its DoFn throws, a record is undecodable),
    // the log stays whole, and the restarted task, whose input offsets were checkpointed, runs
    // every key again from it (at least once) instead of finding the keys before it gone.
    reader.close();
    return true;
  }

  /** One key's elements, as the log hands them out. */
  static final class SortedKey<K, V> {
    private final SortedKeyedInput<K, V> input;
    private final KeyedElementLog.Reader reader;
    private final byte[] keyBytes;
    private final K key;
    private final List<WindowedValue<V>> first;

    private SortedKey(SortedKeyedInput<K, V> input, KeyedElementLog.Reader reader, byte[] keyBytes)
        throws Exception {
      this.input = input;
      this.reader = reader;
      this.keyBytes = keyBytes;
      try {
        this.key = StreamRecords.decodeKey(input.keyCoder, keyBytes);
      } catch (UndecodableRecordException e) {
        throw new UndecodableRecordException(
            "Undecodable key in the sorted input of " + input.stepName, e);
      }
      this.first = input.decode(key, reader.nextElements(input.heapElements + 1));
    }

    K key() {
      return key;
    }

    byte[] keyBytes() {
      return keyBytes;
    }

    /** Whether the key has at most the heap bound's elements ({@link #first} holds them all). */
    boolean fitsOnHeap() {
      return first.size() <= input.heapElements;
    }

    /** The key's first elements: all of them if it {@link #fitsOnHeap()}. */
    List<WindowedValue<V>> first() {
      return first;
    }

    /**
     * The key's elements after those handed out so far, at most {@link #BATCH}; none at the end.
     */
    List<WindowedValue<V>> next() throws Exception {
      return input.decode(key, reader.nextElements(BATCH));
    }
  }

  /**
   * Decodes logged elements of {@code key}. Records are logged undecoded as they arrive ({@link
   * Operator#decodesItsOwnRecords}), so an undecodable one is found here: the error names the step
   * and the key, and the log keeps the record (see {@link #runEveryKeyAtEnd}).
   */
  private List<WindowedValue<V>> decode(K key, List<byte[]> encoded) {
    List<WindowedValue<V>> out = new ArrayList<>(encoded.size());
    for (byte[] bytes : encoded) {
      try {
        // Nested context, as the repartition stream encoded it (CoderUtils' outer context would
        // read a string's length prefix as its first character).
        out.add(elementCoder.decode(new ByteArrayInput(bytes, 0)));
      } catch (IOException | RuntimeException e) {
        throw new UndecodableRecordException(
            "Undecodable element of key "
                + key
                + " in the sorted input of "
                + stepName
                + " (decoding with "
                + elementCoder
                + ")",
            e);
      }
    }
    return out;
  }
}
