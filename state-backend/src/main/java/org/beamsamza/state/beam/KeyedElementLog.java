package org.beamsamza.state.beam;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * The elements one step received, appended under their key and read back grouped by key, in key
 * order: the sort of a sort-based grouping (a bounded GroupByKey runs each key once, at the end of
 * its input, as the Flink and Spark batch translations do). The elements live in the task's store,
 * so they need not fit on the heap, and since their input offsets are checkpointed once taken from
 * the stream, a restarted task finds them there.
 *
 * <p>Layout: {@code [KIND_KEYED_LOG][len stepId][stepId][len key][key][sequence] -> element}. The
 * length prefix keeps one key's elements contiguous (key {@code "a"} does not interleave with
 * {@code "a\0"}); the {@link ElementSequence} number keeps them in append order, across restarts.
 *
 * <p>Reading ({@link #read}) takes entries from the store in batches through short-lived iterators,
 * so the caller may write to the same store between two reads (the steps after a grouping in the
 * same task do), and deletes what it has handed out when it is closed. One instance per step and
 * store; task thread only.
 */
public final class KeyedElementLog {
  /** Record family of the log's entries. */
  static final byte KIND_KEYED_LOG = 0x09;

  private static final int SEQUENCE_BYTES = 8;

  /** Appends written to the store at once. */
  static final int WRITE_BATCH = 4096;

  private final KeyValueStore store;
  private final ElementSequence sequence;
  private final byte[] prefix;
  private final byte[] end;

  /** Appends not written to the store yet (at most {@link #WRITE_BATCH}). */
  private List<Entry> pending = new ArrayList<>();

  /**
   * @param sequence the step's sequence (the one its other state uses: one per step and store)
   */
  public KeyedElementLog(KeyValueStore store, String stepId, ElementSequence sequence) {
    this.store = Objects.requireNonNull(store, "store");
    this.sequence = Objects.requireNonNull(sequence, "sequence");
    this.prefix = StateKeyLayout.stepPrefix(KIND_KEYED_LOG, stepId);
    this.end = Bytes.prefixUpperBound(prefix);
  }

  /**
   * Appends {@code element} under {@code key}; neither array may change afterwards. Appends are
   * written to the store in batches of {@link #WRITE_BATCH} (a batch that large bypasses the
   * store's write-back cache: the log is written once and read once, in order), and by {@link
   * #flush}, which the owner calls before every commit, so that nothing whose input offset is
   * checkpointed is only on the heap.
   */
  public void append(byte[] key, byte[] element) {
    byte[] storeKey = new byte[prefix.length + 4 + key.length + SEQUENCE_BYTES];
    ByteBuffer.wrap(storeKey).put(prefix).putInt(key.length).put(key).putLong(sequence.next());
    pending.add(new Entry(storeKey, element));
    if (pending.size() >= WRITE_BATCH) {
      flush();
    }
  }

  /** Writes the appends not written yet to the store. */
  public void flush() {
    if (!pending.isEmpty()) {
      store.putAll(pending);
      pending = new ArrayList<>();
    }
  }

  /**
   * A reader over the whole log, {@code batchEntries} store entries per store read. {@link
   * Reader#close} deletes every element it handed out, in one range delete (one RocksDB range
   * tombstone rather than a write per element).
   */
  public Reader read(int batchEntries) {
    if (batchEntries < 1) {
      throw new IllegalArgumentException("batchEntries must be positive: " + batchEntries);
    }
    flush();
    return new Reader(batchEntries);
  }

  /** Groups in key order: {@link #nextKey}, then {@link #nextElements} until it returns none. */
  public final class Reader implements AutoCloseable {
    private final int batchEntries;
    private List<Entry> batch = List.of();
    private int position;
    private boolean exhausted;

    /** The store key the next batch starts after ({@code null}: from the start of the log). */
    private byte[] lastRead;

    /** The key of the current group. */
    private byte[] currentKey;

    /** The store key of the last element handed out ({@code null}: none yet). */
    private byte[] lastHandedOut;

    private Reader(int batchEntries) {
      this.batchEntries = batchEntries;
    }

    /**
     * Moves to the next key that has elements (skipping, and deleting, what is left of the current
     * one) and returns it, or {@code null} when the log holds no more.
     */
    public byte[] nextKey() {
      while (nextElements(batchEntries).size() > 0) {
        // skips the rest of the current key
      }
      Entry next = peek();
      currentKey = next == null ? null : keyOf(next.key());
      return currentKey;
    }

    /**
     * Up to {@code max} further elements of the current key, in append order; empty when it has no
     * more.
     */
    public List<byte[]> nextElements(int max) {
      List<byte[]> out = new ArrayList<>(Math.min(max, batchEntries));
      if (currentKey == null) {
        return out;
      }
      Entry next;
      while (out.size() < max && (next = peek()) != null && sameKey(next.key(), currentKey)) {
        position++;
        out.add(next.value());
        lastHandedOut = next.key();
      }
      return out;
    }

    /** The entry at the read position, reading the next batch when needed; null at the end. */
    private Entry peek() {
      if (position == batch.size()) {
        if (exhausted) {
          return null;
        }
        readBatch();
        if (batch.isEmpty()) {
          return null;
        }
      }
      return batch.get(position);
    }

    private void readBatch() {
      byte[] from = lastRead == null ? prefix : Arrays.copyOf(lastRead, lastRead.length + 1);
      List<Entry> entries = new ArrayList<>(batchEntries);
      try (KeyValueIterator it = store.range(from, end)) {
        while (entries.size() < batchEntries && it.hasNext()) {
          entries.add(it.next());
        }
      }
      exhausted = entries.size() < batchEntries;
      if (!entries.isEmpty()) {
        lastRead = entries.get(entries.size() - 1).key();
      }
      batch = entries;
      position = 0;
    }

    /** Deletes what was handed out: the log up to and including the last element handed out. */
    @Override
    public void close() {
      if (lastHandedOut != null) {
        store.deleteRange(prefix, Arrays.copyOf(lastHandedOut, lastHandedOut.length + 1));
        lastHandedOut = null;
      }
    }
  }

  /** The grouping key of a log entry's store key. */
  private byte[] keyOf(byte[] storeKey) {
    int length = ByteBuffer.wrap(storeKey, prefix.length, 4).getInt();
    return Arrays.copyOfRange(storeKey, prefix.length + 4, prefix.length + 4 + length);
  }

  private boolean sameKey(byte[] storeKey, byte[] key) {
    int length = ByteBuffer.wrap(storeKey, prefix.length, 4).getInt();
    return length == key.length
        && Arrays.equals(
            storeKey, prefix.length + 4, prefix.length + 4 + length, key, 0, key.length);
  }
}
