package org.beamsamza.state.beam;

import static org.beamsamza.state.beam.StateKeyLayout.concat;
import static org.beamsamza.state.beam.StateKeyLayout.lengthPrefixed;
import static org.beamsamza.state.beam.StateKeyLayout.orderedTimestamp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamsamza.state.beam.KeyedTimers.KeyedTimer;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;

/**
 * The timers of one step in one task, for all its keys, kept in a {@link KeyValueStore} so that they
 * survive restarts (through RocksDB and its changelog) and need not fit on the heap. It is the
 * store-backed counterpart of the heap {@link KeyedTimers}, with the same public methods, so that
 * the translation can switch from one to the other (DESIGN decision 4).
 *
 * <p>Every timer is stored under three record families of the step (all components of variable
 * length are length-prefixed, see {@link StateKeyLayout}):
 *
 * <pre>
 * firing order  [0x02][stepId][domain][timestamp][key][namespace][timerId][familyId] -> TimerData
 * identity      [0x03][stepId][key][namespace][timerId][familyId] -> the firing-order key
 * output order  [0x06][stepId][output timestamp][key][namespace][timerId][familyId] -> empty
 * </pre>
 *
 * Timestamps are big-endian with the sign bit flipped, so byte order is time order including
 * negative timestamps. The firing order lets the due timers be found as the first entry of a prefix
 * scan, across all keys; the identity record makes setting a timer again a replacement and deleting
 * it two point operations; the output order (event-time timers only) gives {@link
 * #earliestOutputTimestamp()}, which the output watermark may not pass. {@code TimerData} values
 * are encoded with runners-core's {@link TimerInternals.TimerDataCoderV2}, which needs the window
 * coder to rebuild namespaces.
 *
 * <p>Timers with the same timestamp fire in (key, namespace, id, family) byte order, not in the
 * order they were set as in {@link KeyedTimers}: a persisted order must not depend on an in-memory
 * sequence counter. {@code domain} is 0 for event time and 1 for processing and synchronized
 * processing time, which share one queue as in {@link KeyedTimers}.
 *
 * <p>One instance must own its step's timers in its store: {@link #size()} is a counter counted once
 * from the store at construction and then maintained in memory. Not thread-safe, like the store.
 */
public final class KeyValueTimers implements KeyTimerInternals.StepTimers {

  private static final byte EVENT = 0;
  private static final byte PROCESSING = 1;
  private static final byte[] EMPTY = new byte[0];

  private final KeyValueStore store;
  private final String stepId;
  private final Coder<TimerData> timerCoder;
  private final byte[] byTimePrefix;
  private final byte[] byIdPrefix;
  private final byte[] byOutputPrefix;
  private long size;

  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private Instant outputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /**
   * Timers of {@code stepId} in {@code store}; {@code windowCoder} is the coder of the step's
   * windows, needed to decode the timers' namespaces. Timers already in the store (after a restart
   * or a changelog restore) are pending timers of this instance.
   */
  public KeyValueTimers(
      KeyValueStore store, String stepId, Coder<? extends BoundedWindow> windowCoder) {
    this.store = store;
    this.stepId = stepId;
    this.timerCoder = TimerInternals.TimerDataCoderV2.of(windowCoder);
    this.byTimePrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_TIMER_BY_TIME, stepId);
    this.byIdPrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_TIMER_BY_ID, stepId);
    this.byOutputPrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_TIMER_BY_OUTPUT, stepId);
    long n = 0;
    try (KeyValueIterator it = store.prefix(byIdPrefix)) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    this.size = n;
  }

  public String stepId() {
    return stepId;
  }

  public void setInputWatermark(Instant watermark) {
    this.inputWatermark = watermark;
  }

  public void setOutputWatermark(Instant watermark) {
    this.outputWatermark = watermark;
  }

  @Override
  public Instant inputWatermark() {
    return inputWatermark;
  }

  @Override
  public Instant outputWatermark() {
    return outputWatermark;
  }

  /** The view of one key that runners-core code (ReduceFnRunner, DoFnRunner) sets timers through. */
  public TimerInternals forKey(ByteKey key) {
    return new KeyTimerInternals(key, this);
  }

  /**
   * Removes and returns the earliest event-time timer due at the input watermark, or null. The
   * returned {@link KeyedTimer#seq()} is always 0: the order lives in the store.
   */
  public KeyedTimer pollDueEventTimer() {
    return pollDue(EVENT, inputWatermark);
  }

  /** Removes and returns the earliest processing-time timer due at {@code now}, or null. */
  public KeyedTimer pollDueProcessingTimer(Instant now) {
    return pollDue(PROCESSING, now);
  }

  /**
   * The earliest output timestamp of the pending event-time timers, or null if there are none. The
   * output watermark may not pass it.
   */
  public Instant earliestOutputTimestamp() {
    try (KeyValueIterator it = store.prefix(byOutputPrefix)) {
      if (!it.hasNext()) {
        return null;
      }
      return new Instant(StateKeyLayout.readOrderedTimestamp(it.next().key(), byOutputPrefix.length));
    }
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public int size() {
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  private static byte domainByte(TimeDomain domain) {
    return domain == TimeDomain.EVENT_TIME ? EVENT : PROCESSING;
  }

  /** {@code [key][namespace][timerId][familyId]}, each length-prefixed. */
  private static byte[] identity(byte[] key, String namespace, String timerId, String familyId) {
    return concat(
        lengthPrefixed(key),
        lengthPrefixed(namespace.getBytes(StandardCharsets.UTF_8)),
        lengthPrefixed(timerId.getBytes(StandardCharsets.UTF_8)),
        lengthPrefixed(familyId.getBytes(StandardCharsets.UTF_8)));
  }

  private byte[] firingKey(TimeDomain domain, Instant timestamp, byte[] identity) {
    return concat(
        byTimePrefix,
        new byte[] {domainByte(domain)},
        orderedTimestamp(timestamp.getMillis()),
        identity);
  }

  private byte[] outputKey(Instant outputTimestamp, byte[] identity) {
    return concat(byOutputPrefix, orderedTimestamp(outputTimestamp.getMillis()), identity);
  }

  /** The identity part of a firing-order key: after prefix, domain byte and timestamp. */
  private byte[] identityOfFiringKey(byte[] firingKey) {
    int from = byTimePrefix.length + 1 + 8;
    return Arrays.copyOfRange(firingKey, from, firingKey.length);
  }

  private static byte[] keyOfIdentity(byte[] identity) {
    int len = ByteBuffer.wrap(identity, 0, 4).getInt();
    return Arrays.copyOfRange(identity, 4, 4 + len);
  }

  private byte[] encode(TimerData timer) {
    try {
      return CoderUtils.encodeToByteArray(timerCoder, timer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TimerData decode(byte[] bytes) {
    try {
      return CoderUtils.decodeFromByteArray(timerCoder, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private KeyedTimer pollDue(byte domain, Instant limit) {
    byte[] from = concat(byTimePrefix, new byte[] {domain});
    long millis = limit.getMillis();
    byte[] to =
        millis == Long.MAX_VALUE
            ? Bytes.prefixUpperBound(from)
            : concat(from, orderedTimestamp(millis + 1));
    Entry first;
    try (KeyValueIterator it = store.range(from, to)) {
      if (!it.hasNext()) {
        return null;
      }
      first = it.next();
    }
    // The iterator is closed before writing: stores need not support writes during iteration.
    TimerData timer = decode(first.value());
    byte[] identity = identityOfFiringKey(first.key());
    List<byte[]> deletes = new ArrayList<>(3);
    deletes.add(first.key());
    deletes.add(concat(byIdPrefix, identity));
    if (timer.getDomain() == TimeDomain.EVENT_TIME) {
      deletes.add(outputKey(timer.getOutputTimestamp(), identity));
    }
    store.deleteAll(deletes);
    size--;
    return new KeyedTimer(new ByteKey(keyOfIdentity(identity)), timer, 0L);
  }

  @Override
  public void set(ByteKey key, TimerData timer) {
    byte[] identity =
        identity(
            key.bytes(),
            NamespaceKeys.stringKey(timer.getNamespace()),
            timer.getTimerId(),
            timer.getTimerFamilyId());
    byte[] idKey = concat(byIdPrefix, identity);
    byte[] newFiringKey = firingKey(timer.getDomain(), timer.getTimestamp(), identity);
    byte[] value = encode(timer);
    byte[] oldFiringKey = store.get(idKey);
    if (oldFiringKey != null) {
      byte[] oldValue = store.get(oldFiringKey);
      if (Arrays.equals(oldFiringKey, newFiringKey) && Arrays.equals(oldValue, value)) {
        // Triggers set the same end-of-window timer for every element: nothing to move.
        return;
      }
      removeEntries(oldFiringKey, oldValue, identity, false);
    } else {
      size++;
    }
    List<Entry> puts = new ArrayList<>(3);
    puts.add(new Entry(newFiringKey, value));
    puts.add(new Entry(idKey, newFiringKey));
    if (timer.getDomain() == TimeDomain.EVENT_TIME) {
      puts.add(new Entry(outputKey(timer.getOutputTimestamp(), identity), EMPTY));
    }
    store.putAll(puts);
  }

  /** Deletes the firing and output entries of a timer, and its identity entry if asked. */
  private void removeEntries(
      byte[] firingKey, byte[] encodedTimer, byte[] identity, boolean withIdentity) {
    List<byte[]> deletes = new ArrayList<>(3);
    deletes.add(firingKey);
    if (withIdentity) {
      deletes.add(concat(byIdPrefix, identity));
    }
    if (encodedTimer != null) {
      TimerData old = decode(encodedTimer);
      if (old.getDomain() == TimeDomain.EVENT_TIME) {
        deletes.add(outputKey(old.getOutputTimestamp(), identity));
      }
    }
    store.deleteAll(deletes);
  }

  @Override
  public void delete(ByteKey key, StateNamespace namespace, String timerId, String familyId) {
    byte[] identity = identity(key.bytes(), NamespaceKeys.stringKey(namespace), timerId, familyId);
    byte[] oldFiringKey = store.get(concat(byIdPrefix, identity));
    if (oldFiringKey == null) {
      return;
    }
    removeEntries(oldFiringKey, store.get(oldFiringKey), identity, true);
    size--;
  }
}
