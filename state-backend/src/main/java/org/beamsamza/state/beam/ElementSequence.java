package org.beamsamza.state.beam;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * The sequence numbers that order the elements of bags, multimaps and ordered lists (ties) of one
 * step in one store, handed out without a store read or write per element (the per-cell META
 * counter costs a read-modify-write for every {@code add}).
 *
 * <p>A number is {@code epoch << 32 | counter}: {@code counter} counts up in memory, {@code epoch}
 * is persisted in the store under {@code [0x07][len stepId][stepId]}. {@link #open} reads the last
 * epoch; the first {@link #next} writes the next one and <b>flushes the store</b> before handing
 * out its number, and a counter overflow does the same. So the epoch record reaches the store's
 * lower layers (RocksDB, the changelog) before any element written with its numbers, and after a
 * crash and a restore (from the local store or the changelog) every element in the store has an
 * epoch at most the restored epoch record: the next {@code open} takes a strictly greater one.
 * Hence numbers are unique within the step and increase in the order they were taken, across
 * restarts, so a cell's elements scan in insertion order. Numbers are non-negative and at least
 * {@code 1 << 32}, above every per-cell META counter value (those start at 0), so a cell written by
 * the META-counter path keeps its elements first; a step must not use both paths for new writes.
 *
 * <p>Exactly one instance per step and store (like {@link KeyValueTimers}): two instances would
 * interleave two epochs. Not thread-safe, like the store.
 */
public final class ElementSequence {

  /** Record family of the persisted epochs. */
  static final byte KIND_SEQUENCE_EPOCH = 0x07;

  private static final long COUNTER_LIMIT = 1L << 32;

  private final KeyValueStore store;
  private final byte[] epochKey;
  private long epoch;
  private long counter;

  private ElementSequence(KeyValueStore store, String stepId) {
    this.store = Objects.requireNonNull(store, "store");
    this.epochKey = StateKeyLayout.stepPrefix(KIND_SEQUENCE_EPOCH, stepId);
    byte[] last = store.get(epochKey);
    this.epoch = last == null ? 0 : ByteBuffer.wrap(last).getLong();
    // The new epoch is persisted by the first next(), not here: a task that never adds an element
    // then never writes to its store (which a lazily opened store never has to open).
    this.counter = COUNTER_LIMIT;
  }

  /**
   * The sequence of {@code stepId} in {@code store}; the first {@link #next} persists (and flushes)
   * a new epoch before it hands out a number.
   */
  public static ElementSequence open(KeyValueStore store, String stepId) {
    return new ElementSequence(store, stepId);
  }

  /** The next number: greater than every number taken before, in this or an earlier run. */
  public long next() {
    if (counter == COUNTER_LIMIT) {
      nextEpoch();
    }
    return epoch << 32 | counter++;
  }

  /**
   * The number {@link #next()} will return, without taking it: every number taken from now on is at
   * least this (a bag read stops here, so later adds stay out of it).
   */
  public long peekNext() {
    // At the counter limit (and before the first next()) this is (epoch + 1) << 32: exactly what
    // next() returns after moving on to the next epoch.
    return (epoch << 32) + counter;
  }

  /** The epoch of the last number handed out, or the last persisted one before any (tests). */
  long epoch() {
    return epoch;
  }

  private void nextEpoch() {
    if (epoch >= Integer.MAX_VALUE) {
      throw new IllegalStateException("element sequence epochs exhausted");
    }
    epoch++;
    counter = 0;
    store.put(epochKey, StateKeyLayout.longBigEndian(epoch));
    store.flush();
  }
}
