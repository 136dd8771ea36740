package org.beamsamza.runtime.system.inmemory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * One partition of an in-memory stream: an append-only log whose offset is the index of the
 * message.
 *
 * <p>Storage: a directory of chunks, each holding {@value #CHUNK_SIZE} (key, message) pairs as
 * given, 8 bytes a message (compressed oops). Envelopes and offset strings are made when a message
 * is read: they die young, which the GC handles almost for free, while retained messages (up to a
 * commit interval of every intermediate stream) stay small. Trimming drops whole chunks below the
 * trim point; the directory keeps a null per dropped chunk (8 bytes per 1024 messages).
 *
 * <p>Concurrency: appends, trims, seals and compactions lock this partition only. Reads lock
 * nothing: an appender fills a slot, then publishes the new {@link #size} with a volatile write; a
 * reader reads {@code size} first and only looks at slots below it. Compaction never edits a chunk
 * in place: it publishes a rewritten copy, so a concurrent reader sees either the old chunk or the
 * new one, never a half-compacted pair.
 */
final class PartitionLog {
  static final int CHUNK_BITS = 10;
  static final int CHUNK_SIZE = 1 << CHUNK_BITS;
  private static final int CHUNK_MASK = CHUNK_SIZE - 1;

  /** In a key slot: the message was compacted away. */
  private static final Object REMOVED = new Object();

  /** Stands for a chunk whose messages were all compacted away; never written to. */
  private static final Object[] COMPACTED_AWAY = emptyChunk();

  /** Appends between automatic compactions of a compacted stream (at least; see compactLocked). */
  static final long AUTO_COMPACT_MIN_APPENDS = 1 << 16;

  private final SystemStreamPartition ssp;
  private final boolean intermediate;
  private final boolean compacted;

  /** Chunk i holds offsets [i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE) as key, message, key, ... */
  private volatile AtomicReferenceArray<Object[]> chunks = new AtomicReferenceArray<>(4);

  /** Offset the next append gets; every slot below it is filled (or compacted away). */
  private volatile long size;

  /** Oldest retained offset; reading below it fails. */
  private volatile long start;

  private volatile boolean sealed;
  private volatile Waiter[] waiters = new Waiter[0];

  // Guarded by this.
  private Object[] tail;
  private int firstChunk;
  private long appendsSinceCompaction;
  private long compactionThreshold = AUTO_COMPACT_MIN_APPENDS;

  PartitionLog(SystemStreamPartition ssp, boolean intermediate, boolean compacted) {
    this.ssp = ssp;
    this.intermediate = intermediate;
    this.compacted = compacted;
  }

  long size() {
    return size;
  }

  long start() {
    return start;
  }

  boolean isSealed() {
    return sealed;
  }

  /** Appends one message and returns its offset. */
  long append(Object key, Object message) {
    long offset;
    synchronized (this) {
      if (sealed) {
        throw new IllegalStateException(
            ssp + " is sealed: no message can be appended after its end");
      }
      if (compacted && key == null) {
        throw new IllegalArgumentException(ssp + " is compacted: every message needs a key");
      }
      offset = size;
      int slot = (int) (offset & CHUNK_MASK) << 1;
      if (slot == 0) {
        tail = newChunk((int) (offset >>> CHUNK_BITS));
      }
      Object[] chunk = tail;
      chunk[slot] = key;
      chunk[slot + 1] = message;
      size = offset + 1;
      if (compacted && ++appendsSinceCompaction >= compactionThreshold) {
        compactLocked();
      }
    }
    wakeWaiters();
    return offset;
  }

  private Object[] newChunk(int index) {
    AtomicReferenceArray<Object[]> dir = chunks;
    if (index >= dir.length()) {
      AtomicReferenceArray<Object[]> bigger = new AtomicReferenceArray<>(dir.length() * 2);
      for (int i = firstChunk; i < dir.length(); i++) {
        bigger.set(i, dir.get(i));
      }
      chunks = bigger;
      dir = bigger;
    }
    Object[] chunk = new Object[CHUNK_SIZE << 1];
    dir.set(index, chunk);
    return chunk;
  }

  /** Marks the end of the partition: readers get an end-of-stream after the last message. */
  void seal() {
    synchronized (this) {
      sealed = true;
    }
    wakeWaiters();
  }

  /**
   * Adds the retained messages with offsets in {@code [from, to)} to {@code out}, skipping those
   * compacted away. The caller must have read {@code to <= size()}.
   */
  void read(long from, long to, List<IncomingMessageEnvelope> out) {
    if (from < start) {
      throw trimmed(from);
    }
    AtomicReferenceArray<Object[]> dir = chunks;
    long o = from;
    while (o < to) {
      Object[] chunk = dir.get((int) (o >>> CHUNK_BITS));
      if (chunk == null) {
        throw trimmed(o);
      }
      int first = (int) (o & CHUNK_MASK);
      int end = (int) Math.min(CHUNK_SIZE, first + (to - o));
      for (int i = first; i < end; i++, o++) {
        Object key = chunk[i << 1];
        if (key != REMOVED) {
          Object message = chunk[(i << 1) + 1];
          out.add(
              new IncomingMessageEnvelope(ssp, Long.toString(o), key, message, sizeOf(message)));
        }
      }
    }
  }

  /** Drops messages up to and including {@code upToInclusive}; intermediate streams only. */
  synchronized boolean trim(long upToInclusive) {
    if (!intermediate) {
      return false;
    }
    long newStart = Math.min(upToInclusive + 1, size);
    if (newStart <= start) {
      return false;
    }
    start = newStart;
    int keepFrom = (int) (newStart >>> CHUNK_BITS);
    AtomicReferenceArray<Object[]> dir = chunks;
    for (int ci = firstChunk; ci < keepFrom; ci++) {
      dir.set(ci, null);
    }
    firstChunk = Math.max(firstChunk, keepFrom);
    return true;
  }

  /** Number of chunks still holding messages (compacted-away chunks count as freed). */
  synchronized int retainedChunkCount() {
    AtomicReferenceArray<Object[]> dir = chunks;
    int n = 0;
    for (int i = 0; i < dir.length(); i++) {
      Object[] c = dir.get(i);
      if (c != null && c != COMPACTED_AWAY) {
        n++;
      }
    }
    return n;
  }

  synchronized void compact() {
    if (!compacted) {
      throw new IllegalArgumentException(
          ssp + " is not a compacted stream (cleanup.policy=compact)");
    }
    compactLocked();
  }

  /**
   * The last retained message of every key whose last message is not a tombstone, in offset order.
   */
  synchronized void readLatestPerKey(List<IncomingMessageEnvelope> out) {
    long from = start;
    long to = size;
    Map<Object, Long> last = lastOffsetPerKey(from, to);
    AtomicReferenceArray<Object[]> dir = chunks;
    for (long o = from; o < to; o++) {
      Object[] chunk = dir.get((int) (o >>> CHUNK_BITS));
      int slot = (int) (o & CHUNK_MASK) << 1;
      Object key = chunk[slot];
      Object message = chunk[slot + 1];
      if (key != REMOVED && message != null && last.get(keyOf(key)) == o) {
        out.add(new IncomingMessageEnvelope(ssp, Long.toString(o), key, message, sizeOf(message)));
      }
    }
  }

  /**
   * Keeps only the last message per key (dropping it too when it is a tombstone). Surviving
   * messages keep their offsets: dropped ones leave holes that readers skip. Each changed chunk is
   * rewritten as a copy and published whole.
   */
  private void compactLocked() {
    long from = start;
    long to = size;
    Map<Object, Long> last = lastOffsetPerKey(from, to);
    AtomicReferenceArray<Object[]> dir = chunks;
    long live = 0;
    int lastChunk = (int) ((to - 1) >>> CHUNK_BITS);
    for (int ci = (int) (from >>> CHUNK_BITS); to > from && ci <= lastChunk; ci++) {
      Object[] chunk = dir.get(ci);
      if (chunk == null || chunk == COMPACTED_AWAY) {
        continue;
      }
      Object[] copy = null;
      int liveInChunk = 0;
      long base = (long) ci << CHUNK_BITS;
      int end = (int) Math.min(CHUNK_SIZE, to - base);
      for (int i = (int) Math.max(0, from - base); i < end; i++) {
        Object key = chunk[i << 1];
        if (key == REMOVED) {
          continue;
        }
        if (chunk[(i << 1) + 1] != null && last.get(keyOf(key)) == base + i) {
          liveInChunk++;
          continue;
        }
        if (copy == null) {
          copy = chunk.clone();
        }
        copy[i << 1] = REMOVED;
        copy[(i << 1) + 1] = null;
      }
      live += liveInChunk;
      boolean full = end == CHUNK_SIZE; // the tail chunk is still appended to: keep it a real chunk
      if (full && liveInChunk == 0 && (long) ci << CHUNK_BITS >= from) {
        dir.set(ci, COMPACTED_AWAY);
      } else if (copy != null) {
        dir.set(ci, copy);
        if (!full) {
          tail = copy;
        }
      }
    }
    appendsSinceCompaction = 0;
    // Amortized O(1) per append: the next compaction waits for at least as many appends as
    // survived.
    compactionThreshold = Math.max(AUTO_COMPACT_MIN_APPENDS, live);
  }

  private Map<Object, Long> lastOffsetPerKey(long from, long to) {
    Map<Object, Long> last = new HashMap<>();
    AtomicReferenceArray<Object[]> dir = chunks;
    for (long o = from; o < to; o++) {
      Object[] chunk = dir.get((int) (o >>> CHUNK_BITS));
      Object key = chunk[(int) (o & CHUNK_MASK) << 1];
      if (key != REMOVED) {
        last.put(keyOf(key), o);
      }
    }
    return last;
  }

  synchronized void addWaiter(Waiter w) {
    Waiter[] ws = Arrays.copyOf(waiters, waiters.length + 1);
    ws[ws.length - 1] = w;
    waiters = ws;
  }

  synchronized void removeWaiter(Waiter w) {
    Waiter[] ws = waiters;
    for (int i = 0; i < ws.length; i++) {
      if (ws[i] == w) {
        Waiter[] copy = new Waiter[ws.length - 1];
        System.arraycopy(ws, 0, copy, 0, i);
        System.arraycopy(ws, i + 1, copy, i, ws.length - i - 1);
        waiters = copy;
        return;
      }
    }
  }

  private void wakeWaiters() {
    for (Waiter w : waiters) {
      w.wake();
    }
  }

  private IllegalStateException trimmed(long offset) {
    return new IllegalStateException(
        "Offset " + offset + " of " + ssp + " was deleted; the oldest retained offset is " + start);
  }

  private static Object[] emptyChunk() {
    Object[] c = new Object[CHUNK_SIZE << 1];
    for (int i = 0; i < c.length; i += 2) {
      c[i] = REMOVED;
    }
    return c;
  }

  private static Object keyOf(Object key) {
    return key instanceof byte[] b ? new ByteArrayKey(b) : key;
  }

  private static int sizeOf(Object message) {
    return message instanceof byte[] b ? b.length : 0;
  }

  /** Compares byte[] keys by content, as a compacted stream must. */
  private record ByteArrayKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteArrayKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
