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
 * The main-input elements one step pushed back until its side-input windows are ready, kept in the
 * task's store (DESIGN decision 8): their input offsets are checkpointed once they were taken from
 * the stream, so a restarted task must find them here, not on a heap that died. Each element is
 * stored with the key it is processed under (a stateful step's key; none for a stateless one) at
 * {@code [KIND_PUSHED_BACK][len stepId][stepId][sequence]}, so they come back in the order they
 * were pushed back. The earliest timestamp, which holds the step's watermark, is kept on the heap
 * and rebuilt from the store when the step opens.
 *
 * <p>Writes go through the task store's write-back cache, so elements pushed back and retried
 * between two commits usually never reach the database. One instance per step and store; task
 * thread only.
 */
public final class PushedBack {
  /** A pushed-back element and the key it is processed under ({@code null}: not keyed). */
  public record Element(ByteKey key, WindowedValue<Object> value) {}

  private final KeyValueStore store;
  private final byte[] prefix;
  private final Coder<WindowedValue<Object>> coder;
  private long nextSequence;
  private long count;
  private Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;

  /**
   * Opens the step's pushed-back elements in {@code store}, counting what an earlier run left.
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
        count++;
        Instant t = new Instant(ByteBuffer.wrap(e.value()).getLong());
        if (t.isBefore(earliest)) {
          earliest = t;
        }
      }
    }
  }

  public void add(ByteKey key, WindowedValue<Object> element) {
    byte[] encoded;
    try {
      encoded = CoderUtils.encodeToByteArray(coder, element);
    } catch (IOException e) {
      throw new UncheckedIOException("Encoding a pushed-back element failed: " + element, e);
    }
    byte[] keyBytes = key == null ? null : key.bytes();
    int keyLength = keyBytes == null ? 0 : keyBytes.length;
    ByteBuffer value = ByteBuffer.allocate(Long.BYTES + Integer.BYTES + keyLength + encoded.length);
    value.putLong(element.getTimestamp().getMillis());
    value.putInt(keyBytes == null ? -1 : keyLength);
    if (keyBytes != null) {
      value.put(keyBytes);
    }
    value.put(encoded);
    byte[] storeKey = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
    ByteBuffer.wrap(storeKey, prefix.length, Long.BYTES).putLong(nextSequence++);
    store.put(storeKey, value.array());
    count++;
    if (element.getTimestamp().isBefore(earliest)) {
      earliest = element.getTimestamp();
    }
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The earliest timestamp of a pushed-back element; the end of time when there is none. */
  public Instant earliestTimestamp() {
    return earliest;
  }

  /** Removes and returns every pushed-back element, in the order they were added. */
  public List<Element> takeAll() {
    List<Element> all = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    try (KeyValueIterator it = store.prefix(prefix)) {
      while (it.hasNext()) {
        Entry e = it.next();
        keys.add(e.key());
        all.add(decode(e.value()));
      }
    }
    store.deleteAll(keys);
    count = 0;
    earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    return all;
  }

  private Element decode(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    b.getLong();
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
