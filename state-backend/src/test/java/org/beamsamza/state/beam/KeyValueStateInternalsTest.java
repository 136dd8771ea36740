package org.beamsamza.state.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.emptyIterable;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaceForTest;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.MultimapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.CombineWithContext;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamsamza.state.kv.ChangelogRestorer;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Our own properties of {@link KeyValueStateInternals}, beyond Beam's StateInternalsTest. */
public class KeyValueStateInternalsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final StateNamespace NS1 = new StateNamespaceForTest("ns1");
  private static final StateNamespace NS1X = new StateNamespaceForTest("ns1x");
  private static final StateNamespace NS2 = new StateNamespaceForTest("ns2");

  private static final StateTag<ValueState<String>> VALUE =
      StateTags.value("v", StringUtf8Coder.of());
  private static final StateTag<ValueState<String>> VALUE_LONGER_ID =
      StateTags.value("vv", StringUtf8Coder.of());
  private static final StateTag<BagState<String>> BAG = StateTags.bag("bag", StringUtf8Coder.of());
  private static final StateTag<BagState<Integer>> INT_BAG =
      StateTags.bag("ints", VarIntCoder.of());
  private static final StateTag<SetState<String>> SET = StateTags.set("set", StringUtf8Coder.of());
  private static final StateTag<MapState<String, Integer>> MAP =
      StateTags.map("map", StringUtf8Coder.of(), VarIntCoder.of());
  private static final StateTag<MultimapState<String, Integer>> MULTIMAP =
      StateTags.multimap("mm", StringUtf8Coder.of(), VarIntCoder.of());
  private static final StateTag<OrderedListState<String>> LIST =
      StateTags.orderedList("list", StringUtf8Coder.of());
  private static final StateTag<CombiningState<Integer, int[], Integer>> SUM =
      StateTags.combiningValueFromInputInternal("sum", VarIntCoder.of(), Sum.ofIntegers());
  private static final StateTag<WatermarkHoldState> HOLD =
      StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST);

  private static KeyValueStateInternals internals(KeyValueStore store, String step, String key) {
    return new KeyValueStateInternals(store, step, key.getBytes(StandardCharsets.UTF_8), key);
  }

  private static int count(KeyValueStore store) {
    int n = 0;
    try (KeyValueIterator it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  @Test
  public void sameStateIdInTwoStepsStaysSeparate() {
    KeyValueStore store = new InMemoryKeyValueStore();
    StateInternals a = internals(store, "stepA", "k");
    StateInternals b = internals(store, "stepB", "k");
    a.state(NS1, VALUE).write("from A");
    b.state(NS1, VALUE).write("from B");
    a.state(NS1, BAG).add("a1");
    b.state(NS1, BAG).add("b1");
    a.state(NS1, SUM).add(1);
    b.state(NS1, SUM).add(10);

    assertThat(a.state(NS1, VALUE).read(), equalTo("from A"));
    assertThat(b.state(NS1, VALUE).read(), equalTo("from B"));
    assertThat(a.state(NS1, BAG).read(), contains("a1"));
    assertThat(b.state(NS1, BAG).read(), contains("b1"));
    assertThat(a.state(NS1, SUM).read(), equalTo(1));
    assertThat(b.state(NS1, SUM).read(), equalTo(10));

    a.state(NS1, BAG).clear();
    assertThat(b.state(NS1, BAG).read(), contains("b1"));
    // A fresh StateInternals for the same step and key sees the same cells (nothing on the heap).
    assertThat(internals(store, "stepB", "k").state(NS1, VALUE).read(), equalTo("from B"));
  }

  @Test
  public void stepAndKeyComponentsDoNotRunTogether() {
    // Without length prefixes, ("ab", "c") and ("a", "bc") would share bytes.
    KeyValueStore store = new InMemoryKeyValueStore();
    internals(store, "ab", "c").state(NS1, BAG).add("x");
    internals(store, "a", "bc").state(NS1, BAG).add("y");
    assertThat(internals(store, "ab", "c").state(NS1, BAG).read(), contains("x"));
    assertThat(internals(store, "a", "bc").state(NS1, BAG).read(), contains("y"));
    internals(store, "a", "bc").clearAll();
    assertThat(internals(store, "ab", "c").state(NS1, BAG).read(), contains("x"));
  }

  @Test
  public void differentKeysStaySeparate() {
    KeyValueStore store = new InMemoryKeyValueStore();
    internals(store, "s", "k1").state(NS1, MAP).put("a", 1);
    internals(store, "s", "k2").state(NS1, MAP).put("a", 2);
    assertThat(internals(store, "s", "k1").state(NS1, MAP).get("a").read(), equalTo(1));
    assertThat(internals(store, "s", "k2").state(NS1, MAP).get("a").read(), equalTo(2));
  }

  @Test
  public void stateSurvivesClosingAndReopeningRocksDb() throws Exception {
    File dir = tmp.newFolder("task-0");
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      StateInternals s = internals(store, "step", "key");
      s.state(NS1, VALUE).write("persisted");
      s.state(NS1, BAG).add("b1");
      s.state(NS1, BAG).add("b2");
      s.state(NS1, SET).add("s1");
      s.state(NS1, MAP).put("m", 7);
      s.state(NS1, MULTIMAP).put("mm", 1);
      s.state(NS1, LIST).add(TimestampedValue.of("late", new Instant(20)));
      s.state(NS1, LIST).add(TimestampedValue.of("early", new Instant(10)));
      s.state(NS1, SUM).add(5);
      s.state(NS1, HOLD).add(new Instant(1234));
    }
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      StateInternals s = internals(store, "step", "key");
      assertThat(s.state(NS1, VALUE).read(), equalTo("persisted"));
      assertThat(s.state(NS1, SET).read(), contains("s1"));
      assertThat(s.state(NS1, MAP).get("m").read(), equalTo(7));
      assertThat(s.state(NS1, MULTIMAP).get("mm").read(), contains(1));
      assertThat(
          s.state(NS1, LIST).read(),
          contains(
              TimestampedValue.of("early", new Instant(10)),
              TimestampedValue.of("late", new Instant(20))));
      assertThat(s.state(NS1, SUM).read(), equalTo(5));
      assertThat(s.state(NS1, HOLD).read(), equalTo(new Instant(1234)));
      // The bag's sequence counter persisted too: a new element goes after the old ones.
      s.state(NS1, BAG).add("b3");
      assertThat(s.state(NS1, BAG).read(), contains("b1", "b2", "b3"));
    }
  }

  @Test
  public void stateSurvivesChangelogRestoreIntoAFreshRocksDb() throws Exception {
    List<Entry> changelog = new ArrayList<>();
    ChangelogWriter writer =
        new ChangelogWriter() {
          @Override
          public void write(byte[] key, byte[] valueOrNullForTombstone) {
            changelog.add(new Entry(key, valueOrNullForTombstone));
          }

          @Override
          public void flush() {}
        };
    try (KeyValueStore store =
        new CachingKeyValueStore(
            new LoggedKeyValueStore(
                new RocksDbKeyValueStore(tmp.newFolder("before"), RocksDbStoreConfig.defaults()),
                writer),
            2)) {
      StateInternals s = internals(store, "step", "key");
      s.state(NS1, BAG).add("b1");
      s.state(NS1, BAG).add("b2");
      s.state(NS1, BAG).add("b3");
      s.state(NS1, MAP).put("gone", 1);
      s.state(NS1, MAP).put("kept", 2);
      s.state(NS1, MAP).remove("gone");
      s.state(NS2, VALUE).write("cleared");
      s.state(NS2, VALUE).clear();
      s.state(NS1, SUM).add(4);
      s.state(NS1, SUM).add(6);
      store.flush();
    }
    try (RocksDbKeyValueStore fresh =
        new RocksDbKeyValueStore(tmp.newFolder("after"), RocksDbStoreConfig.defaults())) {
      new ChangelogRestorer(3).restore(changelog.iterator(), fresh);
      StateInternals s = internals(fresh, "step", "key");
      assertThat(s.state(NS1, BAG).read(), contains("b1", "b2", "b3"));
      assertThat(s.state(NS1, MAP).keys().read(), contains("kept"));
      assertThat(s.state(NS2, VALUE).read(), nullValue());
      assertThat(s.state(NS1, SUM).read(), equalTo(10));
    }
  }

  @Test
  public void clearOfOneNamespaceDoesNotTouchAnother() {
    KeyValueStore store = new InMemoryKeyValueStore();
    StateInternals s = internals(store, "step", "key");
    // NS1X's string key starts with NS1's: length prefixes keep clear() of NS1 away from it.
    for (StateNamespace ns : List.of(NS1, NS1X, NS2)) {
      s.state(ns, VALUE).write("v-" + ns.stringKey());
      s.state(ns, VALUE_LONGER_ID).write("vv-" + ns.stringKey());
      s.state(ns, BAG).add("b-" + ns.stringKey());
      s.state(ns, SET).add("s-" + ns.stringKey());
      s.state(ns, MAP).put("m", 1);
      s.state(ns, LIST).add(TimestampedValue.of("l", new Instant(1)));
    }
    s.state(NS1, VALUE).clear();
    s.state(NS1, BAG).clear();
    s.state(NS1, SET).clear();
    s.state(NS1, MAP).clear();
    s.state(NS1, LIST).clear();

    assertThat(s.state(NS1, VALUE).read(), nullValue());
    assertThat(s.state(NS1, VALUE_LONGER_ID).read(), equalTo("vv-ns1"));
    assertThat(s.state(NS1, BAG).read(), emptyIterable());
    assertThat(s.state(NS1, SET).read(), emptyIterable());
    assertThat(s.state(NS1, MAP).isEmpty().read(), is(true));
    assertThat(s.state(NS1, LIST).isEmpty().read(), is(true));
    for (StateNamespace ns : List.of(NS1X, NS2)) {
      assertThat(s.state(ns, VALUE).read(), equalTo("v-" + ns.stringKey()));
      assertThat(s.state(ns, BAG).read(), contains("b-" + ns.stringKey()));
      assertThat(s.state(ns, SET).read(), contains("s-" + ns.stringKey()));
      assertThat(s.state(ns, MAP).get("m").read(), equalTo(1));
      assertThat(s.state(ns, LIST).read(), contains(TimestampedValue.of("l", new Instant(1))));
    }
  }

  @Test
  public void clearLeavesNoEntriesBehind() {
    KeyValueStore store = new InMemoryKeyValueStore();
    StateInternals s = internals(store, "step", "key");
    s.state(NS1, VALUE).write("x");
    s.state(NS1, BAG).add("x");
    s.state(NS1, SET).add("x");
    s.state(NS1, MAP).put("x", 1);
    s.state(NS1, MULTIMAP).put("x", 1);
    s.state(NS1, LIST).add(TimestampedValue.of("x", new Instant(0)));
    s.state(NS1, SUM).add(1);
    s.state(NS1, HOLD).add(new Instant(0));
    s.state(NS1, VALUE).clear();
    s.state(NS1, BAG).clear();
    s.state(NS1, SET).clear();
    s.state(NS1, MAP).clear();
    s.state(NS1, MULTIMAP).clear();
    s.state(NS1, LIST).clear();
    s.state(NS1, SUM).clear();
    s.state(NS1, HOLD).clear();
    assertThat(count(store), is(0));
  }

  @Test
  public void clearAllRemovesOnlyThisStepAndKey() {
    KeyValueStore store = new InMemoryKeyValueStore();
    KeyValueStateInternals s = internals(store, "step", "key");
    s.state(NS1, BAG).add("x");
    s.state(NS2, VALUE).write("y");
    internals(store, "step", "other").state(NS1, BAG).add("z");
    s.clearAll();
    assertThat(s.state(NS1, BAG).read(), emptyIterable());
    assertThat(s.state(NS2, VALUE).read(), nullValue());
    assertThat(internals(store, "step", "other").state(NS1, BAG).read(), contains("z"));
  }

  @Test
  public void bagOrderIsInsertionOrder() throws Exception {
    // Over RocksDB, with more than 256 elements so the sequence crosses a byte boundary, and with
    // values whose encodings sort opposite to insertion order.
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(tmp.newFolder("bag"), RocksDbStoreConfig.defaults())) {
      BagState<Integer> bag = internals(store, "step", "key").state(NS1, INT_BAG);
      List<Integer> expected = new ArrayList<>();
      for (int i = 1000; i > 0; i--) {
        bag.add(i);
        expected.add(i);
      }
      bag.add(1000); // duplicates are kept
      expected.add(1000);
      assertThat(bag.read(), contains(expected.toArray()));
    }
  }

  @Test
  public void bagReadIsASnapshot() {
    BagState<String> bag = internals(new InMemoryKeyValueStore(), "s", "k").state(NS1, BAG);
    bag.add("a");
    Iterable<String> before = bag.read();
    bag.add("b");
    assertThat(before, contains("a"));
    assertThat(bag.read(), contains("a", "b"));
  }

  @Test
  public void orderedListReadsAndClearsTimeRanges() {
    OrderedListState<String> list =
        internals(new InMemoryKeyValueStore(), "s", "k").state(NS1, LIST);
    list.add(TimestampedValue.of("t5-first", new Instant(5)));
    list.add(TimestampedValue.of("t-3", new Instant(-3)));
    list.add(TimestampedValue.of("t5-second", new Instant(5)));
    list.add(TimestampedValue.of("t100", new Instant(100)));
    list.add(TimestampedValue.of("t0", new Instant(0)));
    list.add(TimestampedValue.of("min", BoundedWindow.TIMESTAMP_MIN_VALUE));

    assertThat(
        list.read(),
        contains(
            TimestampedValue.of("min", BoundedWindow.TIMESTAMP_MIN_VALUE),
            TimestampedValue.of("t-3", new Instant(-3)),
            TimestampedValue.of("t0", new Instant(0)),
            TimestampedValue.of("t5-first", new Instant(5)),
            TimestampedValue.of("t5-second", new Instant(5)),
            TimestampedValue.of("t100", new Instant(100))));
    // [min, limit): -3 included, 100 excluded.
    assertThat(
        list.readRange(new Instant(-3), new Instant(100)),
        contains(
            TimestampedValue.of("t-3", new Instant(-3)),
            TimestampedValue.of("t0", new Instant(0)),
            TimestampedValue.of("t5-first", new Instant(5)),
            TimestampedValue.of("t5-second", new Instant(5))));
    assertThat(list.readRange(new Instant(6), new Instant(6)), emptyIterable());

    list.clearRange(new Instant(0), new Instant(6));
    assertThat(
        list.read(),
        contains(
            TimestampedValue.of("min", BoundedWindow.TIMESTAMP_MIN_VALUE),
            TimestampedValue.of("t-3", new Instant(-3)),
            TimestampedValue.of("t100", new Instant(100))));
    assertThat(list.isEmpty().read(), is(false));
    list.clear();
    assertThat(list.isEmpty().read(), is(true));
  }

  @Test
  public void multimapKeepsAllValuesPerKey() {
    MultimapState<String, Integer> mm =
        internals(new InMemoryKeyValueStore(), "s", "k").state(NS1, MULTIMAP);
    assertThat(mm.isEmpty().read(), is(true));
    mm.put("a", 1);
    mm.put("b", 2);
    mm.put("a", 3);
    mm.put("a", 1);
    mm.put("ab", 4); // "a" must not match "ab"
    assertThat(mm.get("a").read(), contains(1, 3, 1));
    assertThat(mm.keys().read(), containsInAnyOrder("a", "b", "ab"));
    assertThat(mm.containsKey("a").read(), is(true));
    assertThat(mm.containsKey("c").read(), is(false));
    assertThat(
        mm.entries().read(),
        containsInAnyOrder(
            new SimpleImmutableEntry<>("a", 1),
            new SimpleImmutableEntry<>("a", 3),
            new SimpleImmutableEntry<>("a", 1),
            new SimpleImmutableEntry<>("b", 2),
            new SimpleImmutableEntry<>("ab", 4)));
    mm.remove("a");
    assertThat(mm.get("a").read(), emptyIterable());
    assertThat(mm.get("ab").read(), contains(4));
    assertThat(mm.keys().read(), containsInAnyOrder("b", "ab"));
    mm.clear();
    assertThat(mm.isEmpty().read(), is(true));
  }

  @Test
  public void mapComputeIfAbsentReturnsPreviousValueAndCallsFunctionOnlyWhenAbsent() {
    MapState<String, Integer> map =
        internals(new InMemoryKeyValueStore(), "s", "k").state(NS1, MAP);
    AtomicInteger calls = new AtomicInteger();
    assertThat(
        map.computeIfAbsent(
                "a",
                k -> {
                  calls.incrementAndGet();
                  return 1;
                })
            .read(),
        nullValue());
    assertThat(map.get("a").read(), equalTo(1));
    assertThat(
        map.computeIfAbsent(
                "a",
                k -> {
                  calls.incrementAndGet();
                  return 2;
                })
            .read(),
        equalTo(1));
    assertThat(map.get("a").read(), equalTo(1));
    assertThat(calls.get(), is(1));
    assertThat(map.putIfAbsent("b", 5).read(), nullValue());
    assertThat(map.getOrDefault("c", 9).read(), equalTo(9));
    assertThat(map.getOrDefault("b", 9).read(), equalTo(5));
  }

  @Test
  public void setAddIfAbsentAndContains() {
    SetState<String> set = internals(new InMemoryKeyValueStore(), "s", "k").state(NS1, SET);
    assertThat(set.addIfAbsent("a").read(), is(true));
    assertThat(set.addIfAbsent("a").read(), is(false));
    assertThat(set.contains("a").read(), is(true));
    set.remove("a");
    assertThat(set.contains("a").read(), is(false));
  }

  @Test
  public void watermarkHoldsCombinePerTimestampCombiner() {
    StateInternals s = internals(new InMemoryKeyValueStore(), "s", "k");
    WatermarkHoldState earliest = s.state(NS1, HOLD);
    WatermarkHoldState latest =
        s.state(NS1, StateTags.watermarkStateInternal("latest", TimestampCombiner.LATEST));
    for (long t : new long[] {50, -20, 70}) {
      earliest.add(new Instant(t));
      latest.add(new Instant(t));
    }
    assertThat(earliest.read(), equalTo(new Instant(-20)));
    assertThat(latest.read(), equalTo(new Instant(70)));
    assertThat(earliest.getTimestampCombiner(), equalTo(TimestampCombiner.EARLIEST));
  }

  /**
   * Multiplies each input by the job name parsed as an int: proves the StateContext reaches the fn.
   */
  private static final class ScaledSumFn
      extends CombineWithContext.CombineFnWithContext<Integer, Integer, Integer> {
    @Override
    public Integer createAccumulator(CombineWithContext.Context c) {
      return 0;
    }

    @Override
    public Integer addInput(Integer accum, Integer input, CombineWithContext.Context c) {
      return accum + input * Integer.parseInt(c.getPipelineOptions().getJobName());
    }

    @Override
    public Integer mergeAccumulators(Iterable<Integer> accums, CombineWithContext.Context c) {
      int sum = 0;
      for (Integer a : accums) {
        sum += a;
      }
      return sum;
    }

    @Override
    public Integer extractOutput(Integer accum, CombineWithContext.Context c) {
      return accum;
    }
  }

  @Test
  public void combiningWithContextSeesTheStateContext() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setJobName("3");
    StateContext<GlobalWindow> context =
        new StateContext<GlobalWindow>() {
          @Override
          public PipelineOptions getPipelineOptions() {
            return options;
          }

          @Override
          public <T> T sideInput(PCollectionView<T> view) {
            throw new UnsupportedOperationException();
          }

          @Override
          public GlobalWindow window() {
            return GlobalWindow.INSTANCE;
          }
        };
    StateTag<CombiningState<Integer, Integer, Integer>> tag =
        StateTags.combiningValueWithContext("scaled", VarIntCoder.of(), new ScaledSumFn());
    CombiningState<Integer, Integer, Integer> state =
        internals(new InMemoryKeyValueStore(), "s", "k").state(NS1, tag, context);
    state.add(2);
    state.add(5);
    assertThat(state.read(), equalTo(21));
    state.addAccum(100);
    assertThat(state.read(), equalTo(121));
  }

  @Test
  public void factoryEncodesKeysWithTheKeyCoder() {
    KeyValueStore store = new InMemoryKeyValueStore();
    KeyValueStateInternalsFactory<String> factory =
        new KeyValueStateInternalsFactory<>(store, "step", StringUtf8Coder.of());
    factory.stateInternalsForKey("k1").state(NS1, VALUE).write("one");
    StateInternals again = factory.stateInternalsForKey("k1");
    assertThat(again.getKey(), equalTo("k1"));
    assertThat(again.state(NS1, VALUE).read(), equalTo("one"));
    assertThat(factory.stateInternalsForKey("k2").state(NS1, VALUE).read(), nullValue());
  }
}
