package org.beamsamza.state.beam;

import static org.beamsamza.state.beam.StateKeyLayout.ELEMENT;
import static org.beamsamza.state.beam.StateKeyLayout.META;
import static org.beamsamza.state.beam.StateKeyLayout.concat;

import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTable;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTag.StateBinder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.MultimapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.ReadableState;
import org.apache.beam.sdk.state.ReadableStates;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.CombineWithContext.CombineFnWithContext;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CombineFnUtil;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;

/**
 * Beam {@link StateInternals} for one key of one step, kept in a task's {@link KeyValueStore}
 * (RocksDB in production) instead of on the heap, so that state survives restarts through the
 * store's changelog and can outgrow memory (DESIGN decisions 4 and 5). The heap {@link
 * InMemoryKeyedStateInternals} stays for the translation module until this one is wired in.
 *
 * <p>Layout: see {@link StateKeyLayout}. The {@code stepId} is part of every key so that two DoFns
 * (or a DoFn and a GroupAlsoByWindow) using the same state id in one task stay separate.
 *
 * <p>State objects hold no data: every read goes to the store and every write goes straight to it
 * (put a {@link org.beamsamza.state.kv.internals.CachingKeyValueStore} underneath to absorb
 * repeated writes of hot cells). State objects are cached per (namespace, state id) through
 * runners-core's {@link StateTable} so that {@code state(ns, tag)} returns the same instance, as
 * Beam expects. Collection reads (map {@code keys()/values()/entries()}, set {@code read()},
 * ordered-list reads, and {@code BagState.read()} unless paged) copy the matching entries into a
 * list when {@code read()} is called: this is simple, closes the store iterator at once (RocksDB
 * iterators are native resources that a half-consumed lazy iterable would leak until store close),
 * and gives the snapshot semantics Beam's javadoc asks for ("changes will not be reflected in the
 * results returned by previous calls to read"). With {@link BagPaging} (a GroupByKey's buffer, see
 * {@link StepState}) a bag larger than one page is read lazily instead, by a {@link PagedBagRead}:
 * later adds stay invisible, but a clear of the bag ends the Iterable (it then fails loudly), so
 * the caller must copy what it keeps past a clear. Clears delete page by page too.
 *
 * <p>{@code readLater()} methods are no-ops returning {@code this}: there is nothing to prefetch
 * from a local store. Element-keyed states (set elements, map keys, multimap keys) require
 * deterministic coders, since the encoded element is part of the store key. {@code
 * ValueState.write(null)} clears the cell (a later read returns null either way). Not thread-safe:
 * one task thread, like the store.
 */
public final class KeyValueStateInternals implements StateInternals {

  private static final byte[] EMPTY = new byte[0];

  /** Keys deleted per store scan when a cell or key is cleared. */
  static final int DELETE_PAGE_KEYS = 4096;

  private final KeyValueStore store;
  private final String stepId;
  private final Object key;
  private final byte[] keyPrefix;
  private final ElementSequence sequence;

  /** Null: bag reads are copied into a list. */
  private final BagPaging bagPaging;

  /** Encodes and decodes cell values (one per key's state: the task thread's). */
  private final ValueCoding coding = new ValueCoding();

  private final StateTable table =
      new StateTable() {
        @Override
        protected StateBinder binderForNamespace(StateNamespace namespace, StateContext<?> c) {
          return new Binder(namespace, c);
        }
      };

  /**
   * State of {@code key} (whose encoded form is {@code encodedKey}, used in store keys) for the
   * step {@code stepId}.
   */
  public KeyValueStateInternals(KeyValueStore store, String stepId, byte[] encodedKey, Object key) {
    this(store, stepId, encodedKey, key, null);
  }

  /**
   * As above, but bag, multimap and ordered-list elements are numbered by the step's shared {@code
   * sequence} (no store read or write per element) instead of a per-cell META counter (read and
   * rewritten on every add). {@code sequence == null} means the META counter. One step must use one
   * of the two for all its writes.
   */
  public KeyValueStateInternals(
      KeyValueStore store, String stepId, byte[] encodedKey, Object key, ElementSequence sequence) {
    this(store, stepId, encodedKey, key, sequence, null);
  }

  /**
   * As above, and a bag larger than one page of {@code bagPaging} is read lazily (see {@link
   * PagedBagRead}); {@code bagPaging == null} copies bag reads into a list. Paging needs the step's
   * {@code sequence}: with per-cell META counters a cleared bag numbers its elements from 0 again,
   * so a paged read could not tell new elements from the ones it read.
   */
  public KeyValueStateInternals(
      KeyValueStore store,
      String stepId,
      byte[] encodedKey,
      Object key,
      ElementSequence sequence,
      BagPaging bagPaging) {
    if (bagPaging != null && sequence == null) {
      throw new IllegalArgumentException("paged bag reads need an ElementSequence");
    }
    this.bagPaging = bagPaging;
    this.sequence = sequence;
    this.store = Objects.requireNonNull(store, "store");
    this.stepId = Objects.requireNonNull(stepId, "stepId");
    this.key = key;
    this.keyPrefix =
        StateKeyLayout.keyPrefix(
            StateKeyLayout.KIND_STATE, stepId, Objects.requireNonNull(encodedKey, "encodedKey"));
  }

  @Override
  public Object getKey() {
    return key;
  }

  public String stepId() {
    return stepId;
  }

  /** The last few cells handed out, checked before runners-core's {@link StateTable}. */
  private final RecentStateCells recentCells = new RecentStateCells();

  @Override
  @SuppressWarnings("unchecked")
  public <T extends State> T state(
      StateNamespace namespace, StateTag<T> address, StateContext<?> c) {
    String id = address.getId();
    State recent = recentCells.find(namespace, id);
    if (recent != null) {
      return (T) recent;
    }
    T cell = table.get(namespace, address, c);
    recentCells.remember(namespace, id, cell);
    return cell;
  }

  /** Deletes every cell of this key in this step (all namespaces, all state ids). */
  public void clearAll() {
    deletePrefix(keyPrefix);
  }

  // ---------------------------------------------------------------- helpers

  private void deletePrefix(byte[] prefix) {
    deleteRange(prefix, Bytes.prefixUpperBound(prefix));
  }

  /**
   * Deletes the keys in {@code [from, to)} a page at a time, so that clearing a huge bag does not
   * collect all its keys on the heap. Each page resumes after the last key deleted rather than at
   * {@code from}, so RocksDB seeks past the tombstones instead of stepping over them again.
   */
  private void deleteRange(byte[] from, byte[] to) {
    byte[] resumeAt = from;
    while (true) {
      List<byte[]> keys = new ArrayList<>();
      try (KeyValueIterator it = store.range(resumeAt, to)) {
        while (keys.size() < DELETE_PAGE_KEYS && it.hasNext()) {
          keys.add(it.next().key());
        }
      }
      if (keys.isEmpty()) {
        return;
      }
      store.deleteAll(keys);
      if (keys.size() < DELETE_PAGE_KEYS) {
        return;
      }
      resumeAt = PagedBagRead.successor(keys.get(keys.size() - 1));
    }
  }

  private List<Entry> scan(byte[] prefix) {
    List<Entry> out = new ArrayList<>();
    try (KeyValueIterator it = store.prefix(prefix)) {
      while (it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }

  private boolean anyWithPrefix(byte[] prefix) {
    try (KeyValueIterator it = store.prefix(prefix)) {
      return it.hasNext();
    }
  }

  private <T> byte[] encode(Coder<T> coder, T value) {
    return coding.encode(coder, value);
  }

  private <T> T decode(Coder<T> coder, byte[] bytes) {
    return coding.decode(coder, bytes);
  }

  private <T> T decode(Coder<T> coder, byte[] bytes, int offset) {
    return coding.decode(coder, bytes, offset);
  }

  /** A {@link ReadableState} evaluated when {@code read()} is called. */
  private static <T> ReadableState<T> deferred(java.util.function.Supplier<T> read) {
    return new ReadableState<T>() {
      @Override
      public T read() {
        return read.get();
      }

      @Override
      public ReadableState<T> readLater() {
        return this;
      }
    };
  }

  // ---------------------------------------------------------------- binder

  private final class Binder implements StateBinder {
    private final StateNamespace namespace;
    private final StateContext<?> context;

    Binder(StateNamespace namespace, StateContext<?> context) {
      this.namespace = namespace;
      this.context = context;
    }

    private byte[] prefix(StateTag<?> tag) {
      return StateKeyLayout.cellPrefix(keyPrefix, NamespaceKeys.stringKey(namespace), tag.getId());
    }

    @Override
    public <T> ValueState<T> bindValue(StateTag<ValueState<T>> spec, Coder<T> coder) {
      return new KvValue<>(prefix(spec), coder);
    }

    @Override
    public <T> BagState<T> bindBag(StateTag<BagState<T>> spec, Coder<T> elemCoder) {
      return new KvBag<>(prefix(spec), elemCoder);
    }

    @Override
    public <T> SetState<T> bindSet(StateTag<SetState<T>> spec, Coder<T> elemCoder) {
      return new KvSet<>(prefix(spec), elemCoder);
    }

    @Override
    public <KeyT, ValueT> MapState<KeyT, ValueT> bindMap(
        StateTag<MapState<KeyT, ValueT>> spec,
        Coder<KeyT> mapKeyCoder,
        Coder<ValueT> mapValueCoder) {
      return new KvMap<>(prefix(spec), mapKeyCoder, mapValueCoder);
    }

    @Override
    public <KeyT, ValueT> MultimapState<KeyT, ValueT> bindMultimap(
        StateTag<MultimapState<KeyT, ValueT>> spec,
        Coder<KeyT> keyCoder,
        Coder<ValueT> valueCoder) {
      return new KvMultimap<>(prefix(spec), keyCoder, valueCoder);
    }

    @Override
    public <T> OrderedListState<T> bindOrderedList(
        StateTag<OrderedListState<T>> spec, Coder<T> elemCoder) {
      return new KvOrderedList<>(prefix(spec), elemCoder);
    }

    @Override
    public <InputT, AccumT, OutputT> CombiningState<InputT, AccumT, OutputT> bindCombiningValue(
        StateTag<CombiningState<InputT, AccumT, OutputT>> spec,
        Coder<AccumT> accumCoder,
        CombineFn<InputT, AccumT, OutputT> combineFn) {
      return new KvCombining<>(prefix(spec), accumCoder, combineFn);
    }

    @Override
    public <InputT, AccumT, OutputT>
        CombiningState<InputT, AccumT, OutputT> bindCombiningValueWithContext(
            StateTag<CombiningState<InputT, AccumT, OutputT>> spec,
            Coder<AccumT> accumCoder,
            CombineFnWithContext<InputT, AccumT, OutputT> combineFn) {
      return new KvCombining<>(
          prefix(spec), accumCoder, CombineFnUtil.bindContext(combineFn, context));
    }

    @Override
    public WatermarkHoldState bindWatermark(
        StateTag<WatermarkHoldState> spec, TimestampCombiner timestampCombiner) {
      return new KvWatermarkHold(prefix(spec), timestampCombiner);
    }
  }

  // ---------------------------------------------------------------- cells

  /** One cell: its prefix, its single META entry and its ELEMENT range. */
  private abstract class Cell {
    final byte[] prefix;
    final byte[] metaKey;
    final byte[] elementPrefix;

    Cell(byte[] prefix) {
      this.prefix = prefix;
      this.metaKey = concat(prefix, new byte[] {META});
      this.elementPrefix = concat(prefix, new byte[] {ELEMENT});
    }

    public void clear() {
      deletePrefix(prefix);
    }

    /**
     * Takes the next element sequence number: from the step's {@link ElementSequence} if there is
     * one, else from the META counter (0 after a clear), adding the counter's update to {@code
     * batch}.
     */
    long nextSequence(List<Entry> batch) {
      if (sequence != null) {
        return sequence.next();
      }
      byte[] current = store.get(metaKey);
      long seq = current == null ? 0 : ByteBuffer.wrap(current).getLong();
      batch.add(new Entry(metaKey, StateKeyLayout.longBigEndian(seq + 1)));
      return seq;
    }

    ReadableState<Boolean> elementsEmpty() {
      return deferred(() -> !anyWithPrefix(elementPrefix));
    }
  }

  /** {@link ValueState}: the encoded value in the META entry; absent = null. */
  private final class KvValue<T> extends Cell implements ValueState<T> {
    private final Coder<T> coder;

    KvValue(byte[] prefix, Coder<T> coder) {
      super(prefix);
      this.coder = coder;
    }

    @Override
    public void write(T input) {
      if (input == null) {
        store.delete(metaKey);
      } else {
        store.put(metaKey, encode(coder, input));
      }
    }

    @Override
    public T read() {
      byte[] bytes = store.get(metaKey);
      return bytes == null ? null : decode(coder, bytes);
    }

    @Override
    public ValueState<T> readLater() {
      return this;
    }

    @Override
    public void clear() {
      store.delete(metaKey);
    }
  }

  /**
   * {@link BagState}: one entry per element at {@code ELEMENT + seq(8 bytes BE)}, so a prefix scan
   * returns insertion order; the next sequence number is the META entry.
   */
  private final class KvBag<T> extends Cell implements BagState<T> {
    private final Coder<T> coder;

    KvBag(byte[] prefix, Coder<T> coder) {
      super(prefix);
      this.coder = coder;
    }

    private byte[] elementKey(long seq) {
      byte[] elementKey = Arrays.copyOf(elementPrefix, elementPrefix.length + 8);
      StateKeyLayout.putLongBigEndian(elementKey, elementPrefix.length, seq);
      return elementKey;
    }

    @Override
    public void add(T value) {
      List<Entry> batch = new ArrayList<>(2);
      long seq = nextSequence(batch);
      byte[] elementKey = elementKey(seq);
      if (batch.isEmpty()) {
        store.put(elementKey, encode(coder, value));
      } else {
        batch.add(new Entry(elementKey, encode(coder, value)));
        store.putAll(batch);
      }
    }

    @Override
    public Iterable<T> read() {
      if (bagPaging != null) {
        // Elements added from now on are numbered from peekNext() up: the read stops there.
        return PagedBagRead.read(
            store, elementPrefix, elementKey(sequence.peekNext()), coder, bagPaging);
      }
      List<T> out = new ArrayList<>();
      for (Entry e : scan(elementPrefix)) {
        out.add(decode(coder, e.value()));
      }
      return out;
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return elementsEmpty();
    }

    @Override
    public BagState<T> readLater() {
      return this;
    }
  }

  /** {@link SetState}: one entry per element at {@code ELEMENT + encoded element}, empty value. */
  private final class KvSet<T> extends Cell implements SetState<T> {
    private final Coder<T> coder;

    KvSet(byte[] prefix, Coder<T> coder) {
      super(prefix);
      this.coder = coder;
    }

    private byte[] elementKey(T t) {
      return concat(elementPrefix, encode(coder, t));
    }

    @Override
    public ReadableState<Boolean> contains(T t) {
      // Read now: a later add must not change the answer (Beam's testSetReadable).
      return ReadableStates.immediate(store.get(elementKey(t)) != null);
    }

    @Override
    public ReadableState<Boolean> addIfAbsent(T t) {
      byte[] k = elementKey(t);
      boolean absent = store.get(k) == null;
      if (absent) {
        store.put(k, EMPTY);
      }
      return ReadableStates.immediate(absent);
    }

    @Override
    public void remove(T t) {
      store.delete(elementKey(t));
    }

    @Override
    public void add(T value) {
      store.put(elementKey(value), EMPTY);
    }

    @Override
    public Iterable<T> read() {
      List<T> out = new ArrayList<>();
      for (Entry e : scan(elementPrefix)) {
        out.add(decode(coder, e.key(), elementPrefix.length));
      }
      return out;
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return elementsEmpty();
    }

    @Override
    public SetState<T> readLater() {
      return this;
    }
  }

  /** {@link MapState}: one entry per map key at {@code ELEMENT + encoded map key}. */
  private final class KvMap<K, V> extends Cell implements MapState<K, V> {
    private final Coder<K> keyCoder;
    private final Coder<V> valueCoder;

    KvMap(byte[] prefix, Coder<K> keyCoder, Coder<V> valueCoder) {
      super(prefix);
      this.keyCoder = keyCoder;
      this.valueCoder = valueCoder;
    }

    private byte[] elementKey(K k) {
      return concat(elementPrefix, encode(keyCoder, k));
    }

    private V readNow(K k) {
      byte[] bytes = store.get(elementKey(k));
      return bytes == null ? null : decode(valueCoder, bytes);
    }

    @Override
    public void put(K k, V value) {
      store.put(elementKey(k), encode(valueCoder, value));
    }

    /**
     * Reads now and writes now: if {@code k} is absent, stores {@code mappingFunction(k)} and
     * returns {@code null}; otherwise returns the current value (MapState's javadoc).
     */
    @Override
    public ReadableState<V> computeIfAbsent(K k, Function<? super K, ? extends V> mappingFunction) {
      V existing = readNow(k);
      if (existing == null) {
        put(k, mappingFunction.apply(k));
      }
      return ReadableStates.immediate(existing);
    }

    @Override
    public void remove(K k) {
      store.delete(elementKey(k));
    }

    @Override
    public ReadableState<V> get(K k) {
      return getOrDefault(k, null);
    }

    @Override
    public ReadableState<V> getOrDefault(K k, V defaultValue) {
      return deferred(
          () -> {
            V v = readNow(k);
            return v == null ? defaultValue : v;
          });
    }

    @Override
    public ReadableState<Iterable<K>> keys() {
      return deferred(
          () -> {
            List<K> out = new ArrayList<>();
            for (Entry e : scan(elementPrefix)) {
              out.add(decode(keyCoder, e.key(), elementPrefix.length));
            }
            return out;
          });
    }

    @Override
    public ReadableState<Iterable<V>> values() {
      return deferred(
          () -> {
            List<V> out = new ArrayList<>();
            for (Entry e : scan(elementPrefix)) {
              out.add(decode(valueCoder, e.value()));
            }
            return out;
          });
    }

    @Override
    public ReadableState<Iterable<Map.Entry<K, V>>> entries() {
      return deferred(
          () -> {
            List<Map.Entry<K, V>> out = new ArrayList<>();
            for (Entry e : scan(elementPrefix)) {
              out.add(
                  new AbstractMap.SimpleImmutableEntry<>(
                      decode(keyCoder, e.key(), elementPrefix.length),
                      decode(valueCoder, e.value())));
            }
            return out;
          });
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return elementsEmpty();
    }
  }

  /**
   * {@link MultimapState}: one entry per put at {@code ELEMENT + [len][encoded key] + seq(8 BE)},
   * so one key's values are a prefix scan in insertion order; META is the sequence counter.
   */
  private final class KvMultimap<K, V> extends Cell implements MultimapState<K, V> {
    private final Coder<K> keyCoder;
    private final Coder<V> valueCoder;

    KvMultimap(byte[] prefix, Coder<K> keyCoder, Coder<V> valueCoder) {
      super(prefix);
      this.keyCoder = keyCoder;
      this.valueCoder = valueCoder;
    }

    private byte[] keyPrefixOf(K k) {
      return concat(elementPrefix, StateKeyLayout.lengthPrefixed(encode(keyCoder, k)));
    }

    private K keyOf(byte[] storeKey) {
      int len = ByteBuffer.wrap(storeKey, elementPrefix.length, 4).getInt();
      int from = elementPrefix.length + 4;
      return decode(keyCoder, Arrays.copyOfRange(storeKey, from, from + len));
    }

    @Override
    public void put(K k, V value) {
      List<Entry> batch = new ArrayList<>(2);
      long seq = nextSequence(batch);
      batch.add(
          new Entry(
              concat(keyPrefixOf(k), StateKeyLayout.longBigEndian(seq)),
              encode(valueCoder, value)));
      store.putAll(batch);
    }

    @Override
    public ReadableState<Iterable<V>> get(K k) {
      byte[] p = keyPrefixOf(k);
      return deferred(
          () -> {
            List<V> out = new ArrayList<>();
            for (Entry e : scan(p)) {
              out.add(decode(valueCoder, e.value()));
            }
            return out;
          });
    }

    @Override
    public void remove(K k) {
      deletePrefix(keyPrefixOf(k));
    }

    @Override
    public ReadableState<Iterable<K>> keys() {
      return deferred(
          () -> {
            List<K> out = new ArrayList<>();
            byte[] lastKeyPart = null;
            for (Entry e : scan(elementPrefix)) {
              // Entries of one key are contiguous: the key part is everything but the 8-byte
              // sequence.
              byte[] keyPart =
                  Arrays.copyOfRange(e.key(), elementPrefix.length, e.key().length - 8);
              if (lastKeyPart == null || !Arrays.equals(lastKeyPart, keyPart)) {
                out.add(keyOf(e.key()));
                lastKeyPart = keyPart;
              }
            }
            return out;
          });
    }

    @Override
    public ReadableState<Iterable<Map.Entry<K, V>>> entries() {
      return deferred(
          () -> {
            List<Map.Entry<K, V>> out = new ArrayList<>();
            for (Entry e : scan(elementPrefix)) {
              out.add(
                  new AbstractMap.SimpleImmutableEntry<>(
                      keyOf(e.key()), decode(valueCoder, e.value())));
            }
            return out;
          });
    }

    @Override
    public ReadableState<Boolean> containsKey(K k) {
      byte[] p = keyPrefixOf(k);
      return deferred(() -> anyWithPrefix(p));
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return elementsEmpty();
    }
  }

  /**
   * {@link OrderedListState}: one entry per element at {@code ELEMENT + timestamp(8 bytes, sign
   * flipped, BE) + seq(8 BE)}, so byte order is time order with ties in insertion order and a time
   * range is a store range; META is the sequence counter.
   */
  private final class KvOrderedList<T> extends Cell implements OrderedListState<T> {
    private final Coder<T> coder;

    KvOrderedList(byte[] prefix, Coder<T> coder) {
      super(prefix);
      this.coder = coder;
    }

    private byte[] timeKey(Instant t) {
      return concat(elementPrefix, StateKeyLayout.orderedTimestamp(t.getMillis()));
    }

    @Override
    public void add(TimestampedValue<T> value) {
      List<Entry> batch = new ArrayList<>(2);
      long seq = nextSequence(batch);
      batch.add(
          new Entry(
              concat(timeKey(value.getTimestamp()), StateKeyLayout.longBigEndian(seq)),
              encode(coder, value.getValue())));
      store.putAll(batch);
    }

    @Override
    public Iterable<TimestampedValue<T>> read() {
      return collect(scan(elementPrefix));
    }

    /** Elements with {@code minTimestamp <= t < limitTimestamp}, in time order. */
    @Override
    public Iterable<TimestampedValue<T>> readRange(Instant minTimestamp, Instant limitTimestamp) {
      List<Entry> entries = new ArrayList<>();
      try (KeyValueIterator it = store.range(timeKey(minTimestamp), timeKey(limitTimestamp))) {
        while (it.hasNext()) {
          entries.add(it.next());
        }
      }
      return collect(entries);
    }

    private List<TimestampedValue<T>> collect(List<Entry> entries) {
      List<TimestampedValue<T>> out = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        long millis = StateKeyLayout.readOrderedTimestamp(e.key(), elementPrefix.length);
        out.add(TimestampedValue.of(decode(coder, e.value()), new Instant(millis)));
      }
      return out;
    }

    /** Deletes elements with {@code minTimestamp <= t < limitTimestamp}. */
    @Override
    public void clearRange(Instant minTimestamp, Instant limitTimestamp) {
      deleteRange(timeKey(minTimestamp), timeKey(limitTimestamp));
    }

    @Override
    public OrderedListState<T> readRangeLater(Instant minTimestamp, Instant limitTimestamp) {
      return this;
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return elementsEmpty();
    }

    @Override
    public OrderedListState<T> readLater() {
      return this;
    }
  }

  /** {@link CombiningState}: the encoded accumulator in the META entry; absent = empty. */
  private final class KvCombining<InputT, AccumT, OutputT> extends Cell
      implements CombiningState<InputT, AccumT, OutputT> {
    private final Coder<AccumT> accumCoder;
    private final CombineFn<InputT, AccumT, OutputT> combineFn;

    KvCombining(byte[] prefix, Coder<AccumT> accumCoder, CombineFn<InputT, AccumT, OutputT> fn) {
      super(prefix);
      this.accumCoder = accumCoder;
      this.combineFn = fn;
    }

    @Override
    public AccumT getAccum() {
      byte[] bytes = store.get(metaKey);
      return bytes == null ? combineFn.createAccumulator() : decode(accumCoder, bytes);
    }

    private void writeAccum(AccumT accum) {
      store.put(metaKey, encode(accumCoder, accum));
    }

    @Override
    public void add(InputT value) {
      writeAccum(combineFn.addInput(getAccum(), value));
    }

    @Override
    public void addAccum(AccumT accum) {
      byte[] bytes = store.get(metaKey);
      writeAccum(
          bytes == null
              ? accum
              : combineFn.mergeAccumulators(List.of(decode(accumCoder, bytes), accum)));
    }

    @Override
    public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
      return combineFn.mergeAccumulators(accumulators);
    }

    @Override
    public OutputT read() {
      return combineFn.extractOutput(getAccum());
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return deferred(() -> store.get(metaKey) == null);
    }

    @Override
    public void clear() {
      store.delete(metaKey);
    }

    @Override
    public CombiningState<InputT, AccumT, OutputT> readLater() {
      return this;
    }
  }

  /**
   * {@link WatermarkHoldState}: the combined hold (epoch millis, 8 bytes BE) in the META entry,
   * combined on {@code add} with the state's {@link TimestampCombiner}; absent = no hold.
   */
  private final class KvWatermarkHold extends Cell implements WatermarkHoldState {
    private final TimestampCombiner combiner;

    KvWatermarkHold(byte[] prefix, TimestampCombiner combiner) {
      super(prefix);
      this.combiner = combiner;
    }

    @Override
    public Instant read() {
      byte[] bytes = store.get(metaKey);
      return bytes == null ? null : new Instant(ByteBuffer.wrap(bytes).getLong());
    }

    @Override
    public void add(Instant value) {
      Instant current = read();
      Instant combined = current == null ? value : combiner.combine(current, value);
      if (!combined.equals(current)) {
        store.put(metaKey, StateKeyLayout.longBigEndian(combined.getMillis()));
      }
    }

    @Override
    public TimestampCombiner getTimestampCombiner() {
      return combiner;
    }

    @Override
    public ReadableState<Boolean> isEmpty() {
      return deferred(() -> store.get(metaKey) == null);
    }

    @Override
    public void clear() {
      store.delete(metaKey);
    }

    @Override
    public WatermarkHoldState readLater() {
      return this;
    }
  }
}
