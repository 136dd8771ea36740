package org.beamsamza.runtime.storage;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.LongSupplier;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Streams one changelog partition, from a start offset up to and including the newest offset as of
 * open time, through a consumer of its own. Lazy: records are polled batch by batch as the store
 * consumes them, so a restore never holds the whole partition in memory. Counts records and bytes
 * as it goes.
 *
 * <p>It ends only when it has provably read everything up to the end offset:
 *
 * <ul>
 *   <li>it read a record at or past the end offset (a record past it is not returned), or
 *   <li>the consumer's {@link SystemConsumer#position position} is past the end offset: the record
 *       at the end offset is gone (a trailing tombstone compacted away) or is one the consumer
 *       never delivers (a Kafka transaction marker), and every record before it was returned, or
 *   <li>the partition ended (end of stream).
 * </ul>
 *
 * Silence is never taken for the end: a slow consumer (a cold first fetch, a loaded broker, small
 * fetches) is waited for as long as it makes progress. If neither a record nor a move of the
 * consumer's position comes for {@code stallTimeoutMs}, the restore fails naming store, task,
 * changelog partition, the offsets reached and expected, and the option that sets the timeout: a
 * store restored partially must never be handed to a task.
 */
final class ChangelogReader implements Iterator<IncomingMessageEnvelope>, AutoCloseable {
  private static final long POLL_MS = 20;

  private final SystemConsumer consumer;
  private final SystemStreamPartition ssp;
  private final Set<SystemStreamPartition> ssps;
  private final String storeName;
  private final Object taskName;
  private final String startOffset;
  private final String endOffset;
  private final Comparator<String> order;
  private final long stallTimeoutMs;
  private final String stallOption;
  private final LongSupplier nanoClock;
  private List<IncomingMessageEnvelope> batch = List.of();
  private int pos;
  private IncomingMessageEnvelope next;
  private boolean done;
  private long records;
  private long bytes;
  private String lastOffset;
  private String lastPosition;

  /**
   * Registers {@code ssp} at {@code startOffset} ({@code null}: oldest) and starts the consumer.
   *
   * @param stallOption the config key of {@code stallTimeoutMs}, named in the error
   */
  ChangelogReader(
      SystemConsumer consumer,
      SystemStreamPartition ssp,
      String storeName,
      Object taskName,
      String startOffset,
      String endOffset,
      Comparator<String> order,
      long stallTimeoutMs,
      String stallOption) {
    this(
        consumer,
        ssp,
        storeName,
        taskName,
        startOffset,
        endOffset,
        order,
        stallTimeoutMs,
        stallOption,
        System::nanoTime);
  }

  /** As above, with the clock that measures stalls (tests). */
  ChangelogReader(
      SystemConsumer consumer,
      SystemStreamPartition ssp,
      String storeName,
      Object taskName,
      String startOffset,
      String endOffset,
      Comparator<String> order,
      long stallTimeoutMs,
      String stallOption,
      LongSupplier nanoClock) {
    if (stallTimeoutMs <= 0) {
      throw new IllegalArgumentException(
          "Store '"
              + storeName
              + "' of task "
              + taskName
              + ": "
              + stallOption
              + " must be > 0, was "
              + stallTimeoutMs);
    }
    this.consumer = consumer;
    this.ssp = ssp;
    this.ssps = Set.of(ssp);
    this.storeName = storeName;
    this.taskName = taskName;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this.order = order;
    this.stallTimeoutMs = stallTimeoutMs;
    this.stallOption = stallOption;
    this.nanoClock = nanoClock;
    consumer.register(ssp, startOffset);
    consumer.start();
  }

  long records() {
    return records;
  }

  long bytes() {
    return bytes;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    IncomingMessageEnvelope e = nextFromConsumer();
    int vsEnd = e == null || e.isEndOfStream() ? 1 : order.compare(e.getOffset(), endOffset);
    if (vsEnd > 0) {
      done = true;
      return false;
    }
    if (vsEnd == 0) {
      done = true; // the last record to replay; return it, then stop
    }
    next = e;
    return true;
  }

  @Override
  public IncomingMessageEnvelope next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    IncomingMessageEnvelope e = next;
    next = null;
    records++;
    bytes += sizeOf(e.getKey()) + sizeOf(e.getMessage());
    lastOffset = e.getOffset();
    return e;
  }

  /**
   * The next record from the consumer, or {@code null} once its position is past the end offset
   * with nothing left to return.
   */
  private IncomingMessageEnvelope nextFromConsumer() {
    long progressAt = nanoClock.getAsLong();
    while (pos >= batch.size()) {
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> polled;
      try {
        polled = consumer.poll(ssps, POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "Interrupted while restoring store '"
                + storeName
                + "' of task "
                + taskName
                + " from "
                + ssp,
            e);
      }
      List<IncomingMessageEnvelope> got = polled.get(ssp);
      if (got != null && !got.isEmpty()) {
        batch = got;
        pos = 0;
        break;
      }
      // Nothing returned. Everything before the position has been returned (or never will be):
      // past the end offset means done; silence alone proves nothing.
      String position = consumer.position(ssp);
      if (position != null && order.compare(position, endOffset) > 0) {
        return null;
      }
      long now = nanoClock.getAsLong();
      if (position != null && !position.equals(lastPosition)) {
        lastPosition = position;
        progressAt = now;
      } else if ((now - progressAt) / 1_000_000 >= stallTimeoutMs) {
        throw stalled(position);
      }
    }
    return batch.get(pos++);
  }

  private IllegalStateException stalled(String position) {
    return new IllegalStateException(
        "Restore of store '"
            + storeName
            + "' of task "
            + taskName
            + " from changelog partition "
            + ssp
            + " made no progress for "
            + stallTimeoutMs
            + " ms ("
            + stallOption
            + "): read "
            + records
            + " records from offset "
            + (startOffset == null ? "oldest" : startOffset)
            + ", the last at offset "
            + lastOffset
            + ", consumer position "
            + position
            + ", but the restore must reach offset "
            + endOffset
            + " (the changelog's newest when the restore began). The store would be incomplete, so"
            + " the task is not started with it.");
  }

  private static int sizeOf(Object o) {
    return o instanceof byte[] b ? b.length : 0;
  }

  @Override
  public void close() {
    consumer.stop();
  }
}
