package org.beamsamza.state.beam;

import static org.beamsamza.state.beam.StateKeyLayout.concat;
import static org.beamsamza.state.beam.StateKeyLayout.orderedTimestamp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;

/**
 * The timers of one step in one task, for all its keys, kept in a {@link KeyValueStore} so that
 * they survive restarts (through RocksDB and its changelog) and need not fit on the heap. It is the
 * store-backed counterpart of the heap {@link KeyedTimers}, with the same public methods, so that
 * the translation can switch from one to the other (DESIGN decision 4).
 *
 * <p>Every timer is stored under three record families of the step (all components of variable
 * length are length-prefixed, see {@link StateKeyLayout}):
 *
 * <pre>
 * firing order  [0x02][stepId][domain][timestamp][key][namespace][timerId][familyId] -> TimerData
 * identity      [0x03][stepId][key][namespace][timerId][familyId] -> [domain][timestamp][output timestamp]
 * output order  [0x06][stepId][output timestamp][key][namespace][timerId][familyId] -> empty
 * </pre>
 *
 * Timestamps are big-endian with the sign bit flipped, so byte order is time order including
 * negative timestamps. The firing order lets the due timers be found as the first entry of a prefix
 * scan, across all keys; the identity record makes setting a timer again a replacement and deleting
 * it two point operations (it holds what, with the identity, rebuilds the other two keys, and what
 * decides whether a timer set again is identical: one point read, no decoding, for the common
 * re-set of an unchanged end-of-window timer); the output order gives {@link
 * #earliestOutputTimestamp()}, which the output watermark may not pass. It holds the event-time
 * timers, and the processing-time timers too when the step was built with {@link
 * OutputHolds#ALL_TIMERS} (a stateful ParDo's user timers: Beam holds the output watermark at every
 * timer's output timestamp until the timer fires or is deleted, as the DirectRunner's stateful
 * ParDo and Flink do; runners-core's trigger and SDF resume timers carry a processing time there,
 * which is no event-time hold, and those steps hold with their own watermark holds). {@code
 * TimerData} values are encoded with runners-core's {@link TimerInternals.TimerDataCoderV2}, which
 * needs the window coder to rebuild namespaces.
 *
 * <p>Timers with the same timestamp fire in (key, namespace, id, family) byte order, not in the
 * order they were set as in {@link KeyedTimers}: a persisted order must not depend on an in-memory
 * sequence counter. {@code domain} is 0 for event time and 1 for processing and synchronized
 * processing time, which share one queue as in {@link KeyedTimers}.
 *
 * <p>One instance must own its step's timers in its store: {@link #size()} is a counter counted
 * once from the store at construction and then maintained in memory. Not thread-safe, like the
 * store.
 */
public final class KeyValueTimers implements KeyTimerInternals.StepTimers {

  /** Which timers' output timestamps hold the step's output watermark. */
  public enum OutputHolds {
    /** Event-time timers only (GroupByKey triggers, splittable DoFn resume timers). */
    EVENT_TIME_TIMERS,
    /** Every timer, processing-time ones included (a stateful ParDo's user timers). */
    ALL_TIMERS
  }

  private static final byte EVENT = 0;
  private static final byte PROCESSING = 1;
  private static final byte[] EMPTY = new byte[0];

  private final KeyValueStore store;
  private final String stepId;
  private final Coder<TimerData> timerCoder;
  private final byte[] byTimePrefix;
  private final byte[] byIdPrefix;
  private final byte[] byOutputPrefix;
  private final byte[] byOutputEnd;
  private final OutputHolds outputHolds;

  /**
   * No output-order entry is below this key, so {@link #earliestOutputTimestamp()} (asked at every
   * watermark) seeks past the tombstones of fired timers instead of stepping over them in RocksDB.
   * Lowered by any set below it.
   */
  private byte[] outputFloor;

  private long size;

  /**
   * Pending timers per domain (index {@link #EVENT} / {@link #PROCESSING}), so that a poll of a
   * domain with none (every window tick of a step without processing-time timers) does not seek the
   * store at all: a seek costs at least a key comparison with the first timer of the next domain,
   * and tombstones of fired timers, whose keys hold the user's key (100 MB keys made every tick
   * take seconds).
   */
  private final long[] pendingByDomain = new long[2];

  /**
   * Per domain, a firing key below which the step has no timers (the last one polled), or null.
   * Polling seeks from here instead of from the start of the domain: polled timers are deleted, and
   * RocksDB would otherwise step over every tombstone of the timers fired so far on each poll
   * (quadratic over a watermark jump that fires many timers). A set below the floor lowers it.
   */
  private final byte[][] pollFloor = new byte[2][];

  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private Instant outputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /**
   * Timers known to be stored exactly as set, by identity: a stateful ParDo sets the same garbage-
   * collection timer of its window for every element (runners-core's cleanup timer), and a set
   * found here costs a hash lookup and an {@code equals} instead of building the identity key and
   * reading the store. Every change of a timer goes through {@link #set}, {@link #delete} or a
   * poll, which update or remove its entry, so an entry never claims a timer the store does not
   * hold. A map, not a direct-mapped array (keys colliding in a slot would alternate and miss every
   * time), emptied when it reaches {@link #KNOWN_TIMERS} entries: it is only a memory of what is
   * stored.
   */
  static final int KNOWN_TIMERS = 4_096;

  private record TimerIdentity(
      ByteKey key, StateNamespace namespace, String timerId, String familyId) {}

  private final Map<TimerIdentity, TimerData> known = new HashMap<>();

  private void forget(ByteKey key, StateNamespace namespace, String timerId, String familyId) {
    known.remove(new TimerIdentity(key, namespace, timerId, familyId));
  }

  /**
   * Timers of {@code stepId} in {@code store}; {@code windowCoder} is the coder of the step's
   * windows, needed to decode the timers' namespaces. Timers already in the store (after a restart
   * or a changelog restore) are pending timers of this instance.
   */
  public KeyValueTimers(
      KeyValueStore store, String stepId, Coder<? extends BoundedWindow> windowCoder) {
    this(store, stepId, windowCoder, OutputHolds.EVENT_TIME_TIMERS);
  }

  /**
   * As above, with the timers whose output timestamps hold the output watermark. A step must always
   * be opened with the same {@code outputHolds}: the output-order entries are written by it.
   */
  public KeyValueTimers(
      KeyValueStore store,
      String stepId,
      Coder<? extends BoundedWindow> windowCoder,
      OutputHolds outputHolds) {
    this.outputHolds = java.util.Objects.requireNonNull(outputHolds, "outputHolds");
    this.store = store;
    this.stepId = stepId;
    this.timerCoder = TimerInternals.TimerDataCoderV2.of(windowCoder);
    this.byTimePrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_TIMER_BY_TIME, stepId);
    this.byIdPrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_TIMER_BY_ID, stepId);
    this.byOutputPrefix = StateKeyLayout.stepPrefix(StateKeyLayout.KIND_TIMER_BY_OUTPUT, stepId);
    this.byOutputEnd = Bytes.prefixUpperBound(byOutputPrefix);
    this.outputFloor = byOutputPrefix;
    long n = 0;
    try (KeyValueIterator it = store.prefix(byIdPrefix)) {
      while (it.hasNext()) {
        pendingByDomain[it.next().value()[0]]++; // a by-id value starts with the domain byte
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

  private ProcessingClock clock = ProcessingClock.SYSTEM;

  /** The clock timers read processing time from (the wall clock unless set). */
  public void setProcessingClock(ProcessingClock clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Instant processingTime() {
    return clock.now();
  }

  /**
   * The view of one key that runners-core code (ReduceFnRunner, DoFnRunner) sets timers through.
   */
  public TimerInternals forKey(ByteKey key) {
    return new KeyTimerInternals(key, this);
  }

  /**
   * Removes and returns the earliest event-time timer due at the input watermark (its timestamp
   * strictly before it, or any timer once the watermark is at the end of time), or null. The
   * returned {@link KeyedTimer#seq()} is always 0: the order lives in the store.
   */
  public KeyedTimer pollDueEventTimer() {
    return pollDue(EVENT, inputWatermark);
  }

  /**
   * Removes and returns the earliest processing-time timer due at {@code now} (strictly before it,
   * or any at the end of time), or null.
   */
  public KeyedTimer pollDueProcessingTimer(Instant now) {
    return pollDue(PROCESSING, now);
  }

  /**
   * The earliest output timestamp of the pending timers that hold (event-time timers, and
   * processing-time ones with {@link OutputHolds#ALL_TIMERS}), or null if there are none. The
   * output watermark may not pass it.
   */
  public Instant earliestOutputTimestamp() {
    try (KeyValueIterator it = store.range(outputFloor, byOutputEnd)) {
      if (!it.hasNext()) {
        outputFloor = byOutputEnd;
        return null;
      }
      byte[] first = it.next().key();
      outputFloor = first;
      return new Instant(StateKeyLayout.readOrderedTimestamp(first, byOutputPrefix.length));
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

  /** Whether timers of {@code domain} (a domain byte) have an output-order entry. */
  private boolean holds(byte domain) {
    return domain == EVENT || outputHolds == OutputHolds.ALL_TIMERS;
  }

  /**
   * {@code prefix} followed by {@code [key][namespace][timerId][familyId]}, each length-prefixed,
   * in one allocation.
   */
  private static byte[] identityKey(
      byte[] prefix, byte[] key, String namespace, String timerId, String familyId) {
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    byte[] id = timerId.getBytes(StandardCharsets.UTF_8);
    byte[] fam = familyId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(prefix.length + 16 + key.length + ns.length + id.length + fam.length);
    b.put(prefix);
    b.putInt(key.length).put(key).putInt(ns.length).put(ns);
    b.putInt(id.length).put(id).putInt(fam.length).put(fam);
    return b.array();
  }

  /** The by-id value: {@code [domain][timestamp][output timestamp]}, timestamps as in the keys. */
  private static byte[] idValue(TimerData timer) {
    byte[] v = new byte[17];
    v[0] = domainByte(timer.getDomain());
    StateKeyLayout.putLongBigEndian(v, 1, timer.getTimestamp().getMillis() ^ Long.MIN_VALUE);
    StateKeyLayout.putLongBigEndian(v, 9, timer.getOutputTimestamp().getMillis() ^ Long.MIN_VALUE);
    return v;
  }

  private byte[] firingKey(TimeDomain domain, Instant timestamp, byte[] identity) {
    return concat(
        byTimePrefix,
        new byte[] {domainByte(domain)},
        orderedTimestamp(timestamp.getMillis()),
        identity);
  }

  /** The firing key of a timer from its by-id value (domain byte and ordered timestamp). */
  private byte[] firingKey(byte[] idValue, byte[] identity) {
    return concat(byTimePrefix, Arrays.copyOfRange(idValue, 0, 9), identity);
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
    if (pendingByDomain[domain] == 0) {
      return null;
    }
    byte[] from = concat(byTimePrefix, new byte[] {domain});
    long millis = limit.getMillis();
    // Due means strictly before the limit, as in Beam's model (a watermark W still admits data at
    // W; a processing-time timer fires once the clock is past it), except at the end of time,
    // when everything is due.
    byte[] to =
        millis >= BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()
            ? Bytes.prefixUpperBound(from)
            : concat(from, orderedTimestamp(millis));
    byte[] floor = pollFloor[domain];
    byte[] seekFrom = floor != null && Arrays.compareUnsigned(floor, from) > 0 ? floor : from;
    Entry first;
    try (KeyValueIterator it = store.range(seekFrom, to)) {
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
    if (holds(domain)) {
      deletes.add(outputKey(timer.getOutputTimestamp(), identity));
    }
    store.deleteAll(deletes);
    size--;
    pendingByDomain[domain]--;
    pollFloor[domain] = first.key();
    ByteKey key = new ByteKey(keyOfIdentity(identity));
    forget(key, timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
    return new KeyedTimer(key, timer, 0L);
  }

  @Override
  public void set(ByteKey key, TimerData timer) {
    TimerIdentity identity =
        new TimerIdentity(key, timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
    if (timer.equals(known.get(identity))) {
      return; // stored as it is
    }
    store(key, timer);
    if (known.size() >= KNOWN_TIMERS) {
      known.clear();
    }
    known.put(identity, timer); // after the store took it
  }

  private void store(ByteKey key, TimerData timer) {
    byte[] idKey =
        identityKey(
            byIdPrefix,
            key.bytes(),
            NamespaceKeys.stringKey(timer.getNamespace()),
            timer.getTimerId(),
            timer.getTimerFamilyId());
    byte[] newIdValue = idValue(timer);
    byte[] oldIdValue = store.get(idKey);
    if (Arrays.equals(oldIdValue, newIdValue)) {
      // Same identity, domain, timestamp and output timestamp: the same TimerData. Triggers set
      // the same end-of-window timer for every element: nothing to move.
      return;
    }
    byte[] identity = Arrays.copyOfRange(idKey, byIdPrefix.length, idKey.length);
    List<byte[]> deletes = new ArrayList<>(2);
    if (oldIdValue != null) {
      addOldEntries(oldIdValue, identity, deletes);
      store.deleteAll(deletes);
      pendingByDomain[oldIdValue[0]]--;
    } else {
      size++;
    }
    byte[] newFiringKey = firingKey(timer.getDomain(), timer.getTimestamp(), identity);
    byte domain = domainByte(timer.getDomain());
    pendingByDomain[domain]++;
    if (pollFloor[domain] != null && Arrays.compareUnsigned(newFiringKey, pollFloor[domain]) < 0) {
      pollFloor[domain] = null;
    }
    List<Entry> puts = new ArrayList<>(3);
    puts.add(new Entry(newFiringKey, encode(timer)));
    puts.add(new Entry(idKey, newIdValue));
    if (holds(domain)) {
      byte[] outputKey = outputKey(timer.getOutputTimestamp(), identity);
      if (Arrays.compareUnsigned(outputKey, outputFloor) < 0) {
        outputFloor = outputKey;
      }
      puts.add(new Entry(outputKey, EMPTY));
    }
    store.putAll(puts);
  }

  /**
   * Adds the firing and (if it holds) output keys of the timer with by-id value {@code idValue}.
   */
  private void addOldEntries(byte[] idValue, byte[] identity, List<byte[]> deletes) {
    deletes.add(firingKey(idValue, identity));
    if (holds(idValue[0])) {
      deletes.add(concat(byOutputPrefix, Arrays.copyOfRange(idValue, 9, 17), identity));
    }
  }

  @Override
  public void delete(ByteKey key, StateNamespace namespace, String timerId, String familyId) {
    forget(key, namespace, timerId, familyId);
    byte[] idKey =
        identityKey(byIdPrefix, key.bytes(), NamespaceKeys.stringKey(namespace), timerId, familyId);
    byte[] oldIdValue = store.get(idKey);
    if (oldIdValue == null) {
      return;
    }
    byte[] identity = Arrays.copyOfRange(idKey, byIdPrefix.length, idKey.length);
    List<byte[]> deletes = new ArrayList<>(3);
    addOldEntries(oldIdValue, identity, deletes);
    deletes.add(idKey);
    store.deleteAll(deletes);
    size--;
    pendingByDomain[oldIdValue[0]]--;
  }
}
