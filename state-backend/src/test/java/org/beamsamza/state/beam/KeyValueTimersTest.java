package org.beamsamza.state.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
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

/** Properties of {@link KeyValueTimers} that the heap {@link KeyedTimers} does not have. */
public class KeyValueTimersTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final StateNamespace NS1 =
      StateNamespaces.window(
          IntervalWindow.getCoder(), new IntervalWindow(new Instant(0), new Instant(100)));
  private static final StateNamespace NS2 =
      StateNamespaces.window(
          IntervalWindow.getCoder(), new IntervalWindow(new Instant(100), new Instant(200)));
  private static final ByteKey A = new ByteKey("a".getBytes(StandardCharsets.UTF_8));
  private static final ByteKey B = new ByteKey("b".getBytes(StandardCharsets.UTF_8));

  private static KeyValueTimers timers(KeyValueStore store, String step) {
    return new KeyValueTimers(store, step, IntervalWindow.getCoder());
  }

  private static void set(
      KeyValueTimers t, ByteKey key, StateNamespace ns, String id, long at, long output) {
    t.forKey(key).setTimer(ns, id, "", new Instant(at), new Instant(output), TimeDomain.EVENT_TIME);
  }

  private static List<Entry> contents(KeyValueStore store) {
    List<Entry> out = new ArrayList<>();
    try (KeyValueIterator it = store.all()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  public void timersSurviveClosingAndReopeningRocksDb() throws Exception {
    File dir = tmp.newFolder("task-0");
    TimerData t1 =
        TimerData.of("t1", "", NS1, new Instant(30), new Instant(25), TimeDomain.EVENT_TIME);
    TimerData t2 =
        TimerData.of("t2", "fam", NS2, new Instant(-5), new Instant(-5), TimeDomain.EVENT_TIME);
    TimerData p =
        TimerData.of("p", "", NS1, new Instant(7), new Instant(7), TimeDomain.PROCESSING_TIME);
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      KeyValueTimers t = timers(store, "step");
      t.forKey(A).setTimer(t1);
      t.forKey(B).setTimer(t2);
      t.forKey(A).setTimer(p);
      set(t, B, NS1, "deleted", 1, 1);
      t.forKey(B).deleteTimer(NS1, "deleted", "");
    }
    try (RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      KeyValueTimers t = timers(store, "step");
      assertEquals(3, t.size());
      assertEquals(new Instant(-5), t.earliestOutputTimestamp());
      t.setInputWatermark(new Instant(100));
      KeyedTimer first = t.pollDueEventTimer();
      assertEquals(B, first.key());
      assertEquals(t2, first.timer());
      KeyedTimer second = t.pollDueEventTimer();
      assertEquals(A, second.key());
      assertEquals(t1, second.timer());
      assertNull(t.pollDueEventTimer());
      KeyedTimer proc = t.pollDueProcessingTimer(new Instant(8));
      assertEquals(A, proc.key());
      assertEquals(p, proc.timer());
      assertEquals(0, t.size());
      assertEquals(List.of(), contents(store));
    }
  }

  @Test
  public void earliestOutputTimestampFollowsSetReplaceDeleteAndFiring() {
    KeyValueTimers t = timers(new InMemoryKeyValueStore(), "step");
    assertNull(t.earliestOutputTimestamp());
    set(t, A, NS1, "t", 50, 40);
    set(t, B, NS1, "t", 60, 10);
    assertEquals(new Instant(10), t.earliestOutputTimestamp());
    // Replacing only the output timestamp moves the hold.
    set(t, B, NS1, "t", 60, 45);
    assertEquals(new Instant(40), t.earliestOutputTimestamp());
    assertEquals(2, t.size());
    t.forKey(A).deleteTimer(NS1, "t", "");
    assertEquals(new Instant(45), t.earliestOutputTimestamp());
    // Processing-time timers hold nothing here.
    t.forKey(A).setTimer(NS2, "p", "", new Instant(1), new Instant(1), TimeDomain.PROCESSING_TIME);
    assertEquals(new Instant(45), t.earliestOutputTimestamp());
    set(t, A, NS2, "neg", 70, -20);
    assertEquals(new Instant(-20), t.earliestOutputTimestamp());
    t.setInputWatermark(new Instant(100));
    assertEquals("b", new String(t.pollDueEventTimer().key().bytes(), StandardCharsets.UTF_8));
    assertEquals(new Instant(-20), t.earliestOutputTimestamp());
    t.pollDueEventTimer();
    assertNull(t.earliestOutputTimestamp());
    // A timer set after the index was seen empty holds again.
    set(t, B, NS2, "late", 200, 150);
    assertEquals(new Instant(150), t.earliestOutputTimestamp());
  }

  @Test
  public void eventTimerMovedToProcessingTimeLeavesNoOutputHold() {
    KeyValueTimers t = timers(new InMemoryKeyValueStore(), "step");
    set(t, A, NS1, "t", 50, 40);
    t.forKey(A).setTimer(NS1, "t", "", new Instant(5), new Instant(5), TimeDomain.PROCESSING_TIME);
    assertNull(t.earliestOutputTimestamp());
    t.setInputWatermark(new Instant(1000));
    assertNull(t.pollDueEventTimer());
    assertEquals(new Instant(5), t.pollDueProcessingTimer(new Instant(6)).timer().getTimestamp());
  }

  @Test
  public void withAllTimersProcessingTimersHoldUntilFiredReplacedOrDeleted() {
    KeyValueStore store = new InMemoryKeyValueStore();
    KeyValueTimers t =
        new KeyValueTimers(
            store, "step", IntervalWindow.getCoder(), KeyValueTimers.OutputHolds.ALL_TIMERS);
    TimeDomain proc = TimeDomain.PROCESSING_TIME;
    t.forKey(A).setTimer(NS1, "p", "", new Instant(10_000), new Instant(5), proc);
    set(t, B, NS1, "e", 50, 40);
    assertEquals(new Instant(5), t.earliestOutputTimestamp());
    // Reset (a new firing time, same output timestamp) keeps one hold; a later one moves it.
    t.forKey(A).setTimer(NS1, "p", "", new Instant(20_000), new Instant(5), proc);
    assertEquals(new Instant(5), t.earliestOutputTimestamp());
    t.forKey(A).setTimer(NS1, "p", "", new Instant(20_000), new Instant(30), proc);
    assertEquals(new Instant(30), t.earliestOutputTimestamp());
    // Not due before its time; firing releases it.
    assertNull(t.pollDueProcessingTimer(new Instant(20_000)));
    assertEquals(new Instant(30), t.earliestOutputTimestamp());
    assertEquals(A, t.pollDueProcessingTimer(new Instant(20_001)).key());
    assertEquals(new Instant(40), t.earliestOutputTimestamp());
    // Deleting releases it; moving it to event time keeps one hold.
    t.forKey(B).setTimer(NS2, "p", "", new Instant(1), new Instant(2), proc);
    assertEquals(new Instant(2), t.earliestOutputTimestamp());
    t.forKey(B).deleteTimer(NS2, "p", "");
    assertEquals(new Instant(40), t.earliestOutputTimestamp());
    t.forKey(B).setTimer(NS2, "q", "", new Instant(1), new Instant(3), proc);
    set(t, B, NS2, "q", 60, 45);
    assertEquals(new Instant(40), t.earliestOutputTimestamp());
    t.setInputWatermark(new Instant(1000));
    t.pollDueEventTimer();
    t.pollDueEventTimer();
    assertNull(t.earliestOutputTimestamp());
    assertEquals(0, t.size());
    assertEquals(List.of(), contents(store));
  }

  @Test
  public void stepsSharingAStoreAreSeparate() {
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    KeyValueTimers s1 = timers(store, "s1");
    KeyValueTimers s2 = timers(store, "s2");
    set(s1, A, NS1, "t", 10, 10);
    set(s2, A, NS1, "t", 20, 5);
    assertEquals(1, s1.size());
    assertEquals(new Instant(10), s1.earliestOutputTimestamp());
    assertEquals(new Instant(5), s2.earliestOutputTimestamp());
    s1.setInputWatermark(new Instant(100));
    assertEquals(new Instant(10), s1.pollDueEventTimer().timer().getTimestamp());
    assertNull(s1.pollDueEventTimer());
    s2.setInputWatermark(new Instant(100));
    assertEquals(new Instant(20), s2.pollDueEventTimer().timer().getTimestamp());
    // A step id that extends another's ("s1" vs "s10") must not see its timers.
    KeyValueTimers s10 = timers(store, "s10");
    set(s10, A, NS1, "t", 1, 1);
    assertNull(s1.pollDueEventTimer());
    assertNull(s1.earliestOutputTimestamp());
  }

  @Test
  public void identicalResetWritesNothing() {
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    KeyValueTimers t = timers(store, "step");
    set(t, A, NS1, "eow", 99, 99);
    List<Entry> before = contents(store);
    assertEquals(3, before.size());
    set(t, A, NS1, "eow", 99, 99);
    assertEquals(before, contents(store));
  }

  @Test
  public void deleteAndReplaceLeaveNoStaleEntries() {
    InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    KeyValueTimers t = timers(store, "step");
    set(t, A, NS1, "t", 10, 10);
    set(t, A, NS1, "t", 20, 15);
    set(t, A, NS1, "t", 30, 30);
    assertEquals(3, contents(store).size());
    t.forKey(A).deleteTimer(NS1, "t", "");
    assertEquals(List.of(), contents(store));
    assertFalse(t.size() != 0);
  }

  @Test
  public void maxTimestampWatermarkFiresEverything() {
    KeyValueTimers t = timers(new InMemoryKeyValueStore(), "step");
    set(t, A, NS1, "t", Long.MAX_VALUE, Long.MAX_VALUE);
    t.setInputWatermark(new Instant(Long.MAX_VALUE));
    assertEquals(new Instant(Long.MAX_VALUE), t.pollDueEventTimer().timer().getTimestamp());
  }

  @Test
  public void timersAndHoldsSurviveChangelogRestoreIntoAFreshRocksDb() throws Exception {
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
    try (KeyValueStore stack =
        new CachingKeyValueStore(
            new LoggedKeyValueStore(
                new RocksDbKeyValueStore(tmp.newFolder("a"), RocksDbStoreConfig.defaults()),
                writer),
            2)) {
      KeyValueTimers t = timers(stack, "step");
      set(t, A, NS1, "t", 30, 20);
      set(t, B, NS1, "t", 10, 10);
      set(t, B, NS1, "t", 40, 35);
      set(t, A, NS2, "gone", 5, 5);
      t.forKey(A).deleteTimer(NS2, "gone", "");
      KeyValueWatermarkHolds holds = new KeyValueWatermarkHolds(stack, "step");
      holds.set(A, NS1.stringKey(), "hold", new Instant(3));
      holds.set(B, NS1.stringKey(), "hold", new Instant(8));
      holds.set(A, NS1.stringKey(), "hold", null);
      stack.flush();
    }
    try (RocksDbKeyValueStore fresh =
        new RocksDbKeyValueStore(tmp.newFolder("b"), RocksDbStoreConfig.defaults())) {
      new ChangelogRestorer(3).restore(changelog.iterator(), fresh);
      KeyValueTimers t = timers(fresh, "step");
      assertEquals(2, t.size());
      assertEquals(new Instant(20), t.earliestOutputTimestamp());
      assertEquals(new Instant(8), new KeyValueWatermarkHolds(fresh, "step").earliest());
      t.setInputWatermark(new Instant(100));
      KeyedTimer first = t.pollDueEventTimer();
      assertEquals(A, first.key());
      assertEquals(
          TimerData.of("t", "", NS1, new Instant(30), new Instant(20), TimeDomain.EVENT_TIME),
          first.timer());
      assertEquals(new Instant(40), t.pollDueEventTimer().timer().getTimestamp());
      assertNull(t.pollDueEventTimer());
    }
  }

  /**
   * Polling seeks from the last polled timer; a timer set below it afterwards still fires first.
   */
  @Test
  public void timerSetBelowTheLastPolledOneFiresNext() throws Exception {
    try (KeyValueStore store =
        new RocksDbKeyValueStore(tmp.newFolder("floor"), RocksDbStoreConfig.defaults())) {
      KeyValueTimers t = timers(store, "step");
      set(t, A, NS1, "t1", 10, 10);
      set(t, B, NS1, "t2", 20, 20);
      set(t, A, NS2, "t3", 30, 30);
      t.setInputWatermark(new Instant(100));
      assertEquals(new Instant(10), t.pollDueEventTimer().timer().getTimestamp());
      assertEquals(new Instant(20), t.pollDueEventTimer().timer().getTimestamp());
      // Below the floor (20), and at the floor's timestamp but a smaller identity than B's.
      set(t, B, NS2, "t4", 5, 5);
      set(t, A, NS2, "t5", 20, 20);
      assertEquals(new Instant(5), t.pollDueEventTimer().timer().getTimestamp());
      KeyedTimer next = t.pollDueEventTimer();
      assertEquals(new Instant(20), next.timer().getTimestamp());
      assertEquals(A, next.key());
      assertEquals(new Instant(30), t.pollDueEventTimer().timer().getTimestamp());
      assertNull(t.pollDueEventTimer());
      // Re-setting a fired timer's identity at an earlier time works too.
      set(t, A, NS1, "t1", 1, 1);
      assertEquals(new Instant(1), t.pollDueEventTimer().timer().getTimestamp());
      assertEquals(0, t.size());
    }
  }
}
