package org.beamsamza.runtime.storage;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Streams one changelog partition, from a start offset up to and including the newest offset as of
 * open time, through a consumer of its own. Lazy: records are polled batch by batch as the store
 * consumes them, so a restore never holds the whole partition in memory. Counts records and bytes
 * as it goes.
 *
 * <p>It stops at the first record past the end offset, at end of stream, or when the consumer
 * returns nothing for {@code idleTimeoutMs}: the message at the end offset may have been compacted
 * away (a trailing tombstone), so reaching it exactly cannot be the only way out.
 */
final class ChangelogReader implements Iterator<IncomingMessageEnvelope>, AutoCloseable {
  private static final long POLL_MS = 20;

  private final SystemConsumer consumer;
  private final SystemStreamPartition ssp;
  private final Set<SystemStreamPartition> ssps;
  private final String endOffset;
  private final Comparator<String> order;
  private final long idleTimeoutMs;
  private List<IncomingMessageEnvelope> batch = List.of();
  private int pos;
  private IncomingMessageEnvelope next;
  private boolean done;
  private long records;
  private long bytes;

  /**
   * Registers {@code ssp} at {@code startOffset} ({@code null}: oldest) and starts the consumer.
   */
  ChangelogReader(
      SystemConsumer consumer,
      SystemStreamPartition ssp,
      String startOffset,
      String endOffset,
      Comparator<String> order,
      long idleTimeoutMs) {
    this.consumer = consumer;
    this.ssp = ssp;
    this.ssps = Set.of(ssp);
    this.endOffset = endOffset;
    this.order = order;
    this.idleTimeoutMs = idleTimeoutMs;
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
    return e;
  }

  private IncomingMessageEnvelope nextFromConsumer() {
    long idleSince = -1;
    while (pos >= batch.size()) {
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> polled;
      try {
        polled = consumer.poll(ssps, POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while restoring from " + ssp, e);
      }
      List<IncomingMessageEnvelope> got = polled.get(ssp);
      if (got == null || got.isEmpty()) {
        long now = System.nanoTime();
        if (idleSince < 0) {
          idleSince = now;
        } else if ((now - idleSince) / 1_000_000 >= idleTimeoutMs) {
          return null;
        }
        continue;
      }
      batch = got;
      pos = 0;
    }
    return batch.get(pos++);
  }

  private static int sizeOf(Object o) {
    return o instanceof byte[] b ? b.length : 0;
  }

  @Override
  public void close() {
    consumer.stop();
  }
}
