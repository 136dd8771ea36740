package org.beamsamza.state.beam;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;

/**
 * The main-input elements one step pushed back until its side-input windows are ready. Their input
 * offsets are checkpointed once they were taken from the stream, so at every commit they must be in
 * the task's store (DESIGN decision 8) for a restarted task to find them: {@link #flush()}, called
 * before the store is flushed, writes each element not written yet at {@code [KIND_PUSHED_BACK][len
 * stepId][stepId][sequence]}, with the key it is processed under (a stateful step's key; none for a
 * stateless one). Between commits they are held on the heap as well, so that an element pushed back
 * and retried between two commits (the common case: a side input a little behind its main input)
 * never costs a store write, and a retry never decodes. Opening a step reads back what an earlier
 * run left, in push-back order, and the earliest timestamp, which holds the step's watermark.
 *
 * <p>The caller hands over elements it will not touch again (a grouped Iterable copied). One
 * instance per step and store; task thread only.
 */
public final class PushedBack {
  /** A pushed-back element and the key it is processed under ({@code null}: not keyed). */
  public record Element(ByteKey key, WindowedValue<Object> value) {}

  /** An element and where it is stored ({@code null}: not written yet). */
  private static final class Held {
    final Element element;
    byte[] storeKey;

    Held(Element element, byte[] storeKey) {
      this.element = element;
      this.storeKey = storeKey;
    }
  }

  private final KeyValueStore store;
  private final byte[] prefix;
  private final Coder<WindowedValue<Object>> coder;
  private List<Held> held = new ArrayList<>();

  /**
   * {@code held[0, written)} is in the store: elements are only appended between two {@link
   * #takeAll}s, so the unwritten ones are the tail and a flush does not scan the written ones.
   */
  private int written;

  /**
   * Store keys of elements taken back since the last flush: deleted only by the next flush, after
   * what is held then was written, so that the store never lacks an element that a checkpoint
   * already counts as processed (a write-back cache may write a delete through before the commit).
   */
  private List<byte[]> takenBack = new ArrayList<>();

  private long nextSequence;
  private Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;

  /**
   * Opens the step's pushed-back elements in {@code store}, reading back what an earlier run left.
   *
   * @param coder the full coder (value, timestamp, windows, pane) of the step's main input
   */
  public PushedBack(KeyValueStore store, String stepId, Coder<WindowedValue<Object>> coder) {
    this.store = Objects.requireNonNull(store, "store");
    this.prefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_PUSHED_BACK, stepId);
    this.coder = Objects.requireNonNull(coder, "coder");
    try (KeyValueIterator it = store.prefix(prefix)) {
      while (it.hasNext()) {
        Entry e = it.next();
        nextSequence = ByteBuffer.wrap(e.key(), prefix.length, Long.BYTES).getLong() + 1;
        Element element = decode(e.value());
        held.add(new Held(element, e.key()));
        written++;
        hold(element.value().getTimestamp());
      }
    }
  }

  public void add(ByteKey key, WindowedValue<Object> element) {
    held.add(new Held(new Element(key, element), null));
    hold(element.getTimestamp());
  }

  public boolean isEmpty() {
    return held.isEmpty();
  }

  /** The earliest timestamp of a pushed-back element; the end of time when there is none. */
  public Instant earliestTimestamp() {
    return earliest;
  }

  /** Removes and returns every pushed-back element, in the order they were added. */
  public List<Element> takeAll() {
    List<Element> all = new ArrayList<>(held.size());
    for (Held h : held) {
      all.add(h.element);
      if (h.storeKey != null) {
        takenBack.add(h.storeKey);
      }
    }
    held = new ArrayList<>();
    written = 0;
    earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    return all;
  }

  /**
   * Makes the store hold exactly what is held now: writes every element not written yet, then
   * deletes those taken back since the last flush. Call before the store is flushed for a commit.
   * Writes come first so that a failure midway leaves an element twice (processed again: at least
   * once) rather than not at all.
   */
  public void flush() {
    for (; written < held.size(); written++) {
      Held h = held.get(written);
      byte[] storeKey = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
      ByteBuffer.wrap(storeKey, prefix.length, Long.BYTES).putLong(nextSequence++);
      store.put(storeKey, encode(h.element));
      h.storeKey = storeKey;
    }
    if (!takenBack.isEmpty()) {
      store.deleteAll(takenBack);
      takenBack = new ArrayList<>();
    }
  }

  private void hold(Instant timestamp) {
    if (timestamp.isBefore(earliest)) {
      earliest = timestamp;
    }
  }

  private byte[] encode(Element element) {
    byte[] encoded;
    try {
      encoded = CoderUtils.encodeToByteArray(coder, element.value());
    } catch (IOException e) {
      throw new UncheckedIOException("Encoding a pushed-back element failed: " + element, e);
    }
    byte[] keyBytes = element.key() == null ? null : element.key().bytes();
    int keyLength = keyBytes == null ? 0 : keyBytes.length;
    ByteBuffer value = ByteBuffer.allocate(Integer.BYTES + keyLength + encoded.length);
    value.putInt(keyBytes == null ? -1 : keyLength);
    if (keyBytes != null) {
      value.put(keyBytes);
    }
    value.put(encoded);
    return value.array();
  }

  private Element decode(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    int keyLength = b.getInt();
    ByteKey key = null;
    if (keyLength >= 0) {
      byte[] k = new byte[keyLength];
      b.get(k);
      key = new ByteKey(k);
    }
    try {
      return new Element(
          key,
          CoderUtils.decodeFromByteArray(
              coder, Arrays.copyOfRange(value, b.position(), value.length)));
    } catch (IOException e) {
      throw new UncheckedIOException("Decoding a pushed-back element failed", e);
    }
  }
}
