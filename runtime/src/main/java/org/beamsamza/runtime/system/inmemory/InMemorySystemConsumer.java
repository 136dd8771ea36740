package org.beamsamza.runtime.system.inmemory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Reads {@link InMemoryStreams} for one container. Returns batches straight from the partition logs
 * (no copy of the messages) and parks, rather than spins, when there is nothing to read: appends to
 * any registered partition unpark it.
 */
final class InMemorySystemConsumer implements SystemConsumer {
  /** Most messages returned per partition per poll, so one partition cannot make a poll huge. */
  static final int MAX_BATCH = 10_000;

  private final InMemoryStreams streams;
  private final String systemName;
  private final Map<SystemStreamPartition, Cursor> cursors = new HashMap<>();
  private final Waiter waiter = new Waiter();
  private boolean started;

  InMemorySystemConsumer(InMemoryStreams streams, String systemName) {
    this.streams = streams;
    this.systemName = systemName;
  }

  @Override
  public void register(SystemStreamPartition ssp, String startingOffset) {
    if (started) {
      throw new IllegalStateException("Cannot register " + ssp + " after the consumer started");
    }
    if (!ssp.getSystem().equals(systemName)) {
      throw new IllegalArgumentException(ssp + " does not belong to system " + systemName);
    }
    PartitionLog log = streams.log(ssp);
    long offset = startingOffset == null ? -1 : parse(ssp, startingOffset);
    Cursor existing = cursors.get(ssp);
    if (existing != null) {
      // Registered twice: start from the earlier offset so neither caller misses a message.
      if (existing.next != -1 && (offset == -1 || offset < existing.next)) {
        existing.next = offset;
      }
      return;
    }
    cursors.put(ssp, new Cursor(log, offset));
  }

  @Override
  public void start() {
    started = true;
    Map<PartitionLog, Boolean> seen = new IdentityHashMap<>();
    for (Cursor c : cursors.values()) {
      if (c.next == -1) {
        c.next = c.log.start();
      }
      if (seen.put(c.log, Boolean.TRUE) == null) {
        c.log.addWaiter(waiter);
      }
    }
  }

  @Override
  public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
      Set<SystemStreamPartition> ssps, long timeoutMs) throws InterruptedException {
    if (!started) {
      throw new IllegalStateException("poll before start");
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs));
    while (true) {
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result = readAvailable(ssps);
      if (!result.isEmpty()) {
        return result;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return result;
      }
      waiter.parked = Thread.currentThread();
      try {
        // Re-check after publishing ourselves as parked: an append in between will unpark us.
        if (!anyAvailable(ssps)) {
          LockSupport.parkNanos(this, remaining);
        }
      } finally {
        waiter.parked = null;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("Interrupted while polling " + systemName);
      }
    }
  }

  /**
   * The next offset this consumer reads: offsets below it were returned or compacted away (or
   * trimmed). {@code null} before {@link #start} resolves "oldest".
   */
  @Override
  public String position(SystemStreamPartition ssp) {
    long next = cursor(ssp).next;
    return next < 0 ? null : Long.toString(next);
  }

  @Override
  public String newestOffset(SystemStreamPartition ssp) {
    return Long.toString(cursor(ssp).log.size() - 1); // "-1" while empty: nothing to lag behind
  }

  @Override
  public void stop() {
    Map<PartitionLog, Boolean> seen = new IdentityHashMap<>();
    for (Cursor c : cursors.values()) {
      if (seen.put(c.log, Boolean.TRUE) == null) {
        c.log.removeWaiter(waiter);
      }
    }
  }

  private Map<SystemStreamPartition, List<IncomingMessageEnvelope>> readAvailable(
      Set<SystemStreamPartition> ssps) {
    Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result = null;
    for (SystemStreamPartition ssp : ssps) {
      Cursor c = cursor(ssp);
      if (c.endDelivered) {
        continue;
      }
      PartitionLog log = c.log;
      boolean sealed = log.isSealed(); // read before size: once sealed, size is final
      long size = log.size();
      List<IncomingMessageEnvelope> batch = null;
      if (c.next < size) {
        long to = Math.min(size, c.next + MAX_BATCH);
        batch = new ArrayList<>((int) (to - c.next) + 1);
        log.read(c.next, to, batch);
        c.next = to;
      }
      if (sealed && c.next >= size) {
        if (batch == null) {
          batch = new ArrayList<>(1);
        }
        batch.add(IncomingMessageEnvelope.endOfStream(ssp));
        c.endDelivered = true;
      }
      if (batch != null && !batch.isEmpty()) {
        if (result == null) {
          result = new HashMap<>();
        }
        result.put(ssp, batch);
      }
    }
    return result == null ? Map.of() : result;
  }

  private boolean anyAvailable(Set<SystemStreamPartition> ssps) {
    for (SystemStreamPartition ssp : ssps) {
      Cursor c = cursor(ssp);
      if (!c.endDelivered && (c.next < c.log.size() || c.log.isSealed())) {
        return true;
      }
    }
    return false;
  }

  private Cursor cursor(SystemStreamPartition ssp) {
    Cursor c = cursors.get(ssp);
    if (c == null) {
      throw new IllegalArgumentException(ssp + " was not registered with this consumer");
    }
    return c;
  }

  private static long parse(SystemStreamPartition ssp, String offset) {
    try {
      long v = Long.parseLong(offset);
      if (v < 0) {
        throw new NumberFormatException("negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Bad in-memory offset '" + offset + "' for " + ssp, e);
    }
  }

  private static final class Cursor {
    final PartitionLog log;

    /** Next offset to read; -1 until start() resolves "oldest". */
    long next;

    boolean endDelivered;

    Cursor(PartitionLog log, long next) {
      this.log = log;
      this.next = next;
    }
  }
}
