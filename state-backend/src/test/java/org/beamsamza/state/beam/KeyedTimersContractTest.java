package org.beamsamza.state.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.joda.time.Instant;
import org.junit.Before;
import org.junit.Test;

/**
 * Timer behaviour that the heap {@link KeyedTimers} and the store-backed {@link KeyValueTimers}
 * must share, so that the translation can switch from one to the other. Subclasses adapt one
 * implementation. Timestamps are kept distinct wherever the order is asserted: ties fire in set
 * order on the heap but in key order in the store.
 */
public abstract class KeyedTimersContractTest {

  /** The methods that both implementations have (they share no interface). */
  protected interface Timers {
    TimerInternals forKey(ByteKey key);

    void setInputWatermark(Instant watermark);

    KeyedTimer pollDueEventTimer();

    KeyedTimer pollDueProcessingTimer(Instant now);

    int size();

    boolean isEmpty();
  }

  protected static final IntervalWindow W1 = new IntervalWindow(new Instant(0), new Instant(100));
  protected static final IntervalWindow W2 = new IntervalWindow(new Instant(100), new Instant(200));
  protected static final StateNamespace NS1 = StateNamespaces.window(IntervalWindow.getCoder(), W1);
  protected static final StateNamespace NS2 = StateNamespaces.window(IntervalWindow.getCoder(), W2);
  protected static final StateNamespace GLOBAL = StateNamespaces.global();
  protected static final ByteKey A = key("a");
  protected static final ByteKey B = key("b");
  protected static final ByteKey C = key("c");

  protected Timers timers;

  /** A fresh, empty timers instance (window coder: {@link IntervalWindow#getCoder()}). */
  protected abstract Timers newTimers() throws Exception;

  @Before
  public void createTimers() throws Exception {
    timers = newTimers();
  }

  protected static ByteKey key(String s) {
    return new ByteKey(s.getBytes(StandardCharsets.UTF_8));
  }

  protected static void setEvent(Timers t, ByteKey key, StateNamespace ns, String id, long at) {
    t.forKey(key).setTimer(ns, id, "", new Instant(at), new Instant(at), TimeDomain.EVENT_TIME);
  }

  protected static void setProcessing(
      Timers t, ByteKey key, StateNamespace ns, String id, long at) {
    t.forKey(key)
        .setTimer(ns, id, "", new Instant(at), new Instant(at), TimeDomain.PROCESSING_TIME);
  }

  /** Polls every due event-time timer at {@code watermark}, as "key/id@time". */
  protected static List<String> fireEvent(Timers t, long watermark) {
    t.setInputWatermark(new Instant(watermark));
    List<String> fired = new ArrayList<>();
    KeyedTimer k;
    while ((k = t.pollDueEventTimer()) != null) {
      fired.add(describe(k));
    }
    return fired;
  }

  protected static String describe(KeyedTimer k) {
    return new String(k.key().bytes(), StandardCharsets.UTF_8)
        + "/"
        + k.timer().getTimerId()
        + "@"
        + k.timer().getTimestamp().getMillis();
  }

  @Test
  public void firesInTimestampOrderAcrossKeys() {
    setEvent(timers, C, NS1, "t", 30);
    setEvent(timers, A, NS1, "t", 20);
    setEvent(timers, B, NS1, "t", 10);
    assertEquals(List.of("b/t@10", "a/t@20", "c/t@30"), fireEvent(timers, 100));
    assertTrue(timers.isEmpty());
  }

  @Test
  public void firesInTimestampOrderWithinAKey() {
    setEvent(timers, A, NS1, "late", 50);
    setEvent(timers, A, NS2, "early", 5);
    setEvent(timers, A, NS1, "middle", 25);
    assertEquals(List.of("a/early@5", "a/middle@25", "a/late@50"), fireEvent(timers, 60));
  }

  @Test
  public void onlyTimersStrictlyBeforeTheWatermarkFire() {
    // Beam's model: a watermark W still admits data at W, so a timer at W is not due yet.
    setEvent(timers, A, NS1, "t1", 10);
    setEvent(timers, B, NS1, "t2", 20);
    setEvent(timers, C, NS1, "t3", 21);
    assertEquals(List.of(), fireEvent(timers, 10));
    assertEquals(List.of("a/t1@10", "b/t2@20"), fireEvent(timers, 21));
    assertEquals(1, timers.size());
    assertEquals(List.of("c/t3@21"), fireEvent(timers, 22));
    assertEquals(List.of(), fireEvent(timers, 1000));
  }

  @Test
  public void atTheEndOfTimeEveryTimerIsDue() {
    setEvent(timers, A, NS1, "end", BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
    setProcessing(timers, B, NS1, "p", BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
    assertEquals(
        List.of("a/end@" + BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()),
        fireEvent(timers, BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()));
    assertEquals(
        "b/p@" + BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis(),
        describe(timers.pollDueProcessingTimer(BoundedWindow.TIMESTAMP_MAX_VALUE)));
  }

  @Test
  public void settingAgainReplacesTheOldTime() {
    setEvent(timers, A, NS1, "t", 10);
    setEvent(timers, A, NS1, "t", 30);
    assertEquals(1, timers.size());
    assertEquals(List.of(), fireEvent(timers, 30));
    assertEquals(List.of("a/t@30"), fireEvent(timers, 31));
    assertTrue(timers.isEmpty());
  }

  @Test
  public void settingAgainEarlierReplacesTheLaterTime() {
    setEvent(timers, A, NS1, "t", 30);
    setEvent(timers, A, NS1, "t", 10);
    assertEquals(List.of("a/t@10"), fireEvent(timers, 100));
  }

  @Test
  public void identicalResetIsANoOp() {
    for (int i = 0; i < 5; i++) {
      setEvent(timers, A, NS1, "eow", 99);
    }
    assertEquals(1, timers.size());
    assertEquals(List.of("a/eow@99"), fireEvent(timers, 100));
    assertTrue(timers.isEmpty());
  }

  @Test
  public void theSameTimerSetAgainAfterItFiredOrWasDeletedIsPendingAgain() {
    for (int round = 0; round < 3; round++) {
      setEvent(timers, A, GLOBAL, "gc", 500);
      setEvent(timers, A, GLOBAL, "gc", 500); // identical: still one
      assertEquals(1, timers.size());
      assertEquals("round " + round, List.of("a/gc@500"), fireEvent(timers, 501 + round));
      assertTrue(timers.isEmpty());
    }
    setEvent(timers, A, GLOBAL, "gc", 500);
    timers.forKey(A).deleteTimer(GLOBAL, "gc", "");
    assertTrue(timers.isEmpty());
    setEvent(timers, A, GLOBAL, "gc", 500);
    assertEquals("set again after the delete", 1, timers.size());
    setEvent(timers, A, GLOBAL, "gc", 400);
    setEvent(timers, A, GLOBAL, "gc", 500); // back to the time set before the move
    assertEquals(List.of("a/gc@500"), fireEvent(timers, 1_000));
  }

  @Test
  public void deleteRemovesTheTimer() {
    setEvent(timers, A, NS1, "t", 10);
    setEvent(timers, B, NS1, "t", 11);
    timers.forKey(A).deleteTimer(NS1, "t", "");
    assertEquals(1, timers.size());
    assertEquals(List.of("b/t@11"), fireEvent(timers, 100));
  }

  @Test
  public void deleteByTimerDataAndWithDomain() {
    setEvent(timers, A, NS1, "t1", 10);
    setEvent(timers, A, NS1, "t2", 11);
    setProcessing(timers, A, NS1, "p", 12);
    timers
        .forKey(A)
        .deleteTimer(
            TimerData.of("t1", "", NS1, new Instant(10), new Instant(10), TimeDomain.EVENT_TIME));
    timers.forKey(A).deleteTimer(NS1, "p", "", TimeDomain.PROCESSING_TIME);
    assertEquals(List.of("a/t2@11"), fireEvent(timers, 100));
    assertNull(timers.pollDueProcessingTimer(new Instant(1000)));
    assertTrue(timers.isEmpty());
  }

  @Test
  public void deletingAnAbsentTimerIsANoOp() {
    setEvent(timers, A, NS1, "t", 10);
    timers.forKey(A).deleteTimer(NS2, "t", "");
    timers.forKey(B).deleteTimer(NS1, "t", "");
    timers.forKey(A).deleteTimer(NS1, "other", "");
    assertEquals(1, timers.size());
  }

  @Test
  public void sameIdInOtherKeyNamespaceOrFamilyIsAnotherTimer() {
    setEvent(timers, A, NS1, "t", 10);
    setEvent(timers, B, NS1, "t", 11);
    setEvent(timers, A, NS2, "t", 12);
    timers
        .forKey(A)
        .setTimer(NS1, "t", "family", new Instant(13), new Instant(13), TimeDomain.EVENT_TIME);
    assertEquals(4, timers.size());
    assertEquals(List.of("a/t@10", "b/t@11", "a/t@12", "a/t@13"), fireEvent(timers, 100));
  }

  @Test
  public void eventAndProcessingTimeAreSeparate() {
    setEvent(timers, A, NS1, "e", 10);
    setProcessing(timers, A, NS1, "p", 5);
    assertNull(timers.pollDueProcessingTimer(new Instant(5)));
    timers.setInputWatermark(new Instant(1000));
    KeyedTimer e = timers.pollDueEventTimer();
    assertEquals("a/e@10", describe(e));
    assertEquals(TimeDomain.EVENT_TIME, e.timer().getDomain());
    assertNull(timers.pollDueEventTimer());
    KeyedTimer p = timers.pollDueProcessingTimer(new Instant(6));
    assertEquals("a/p@5", describe(p));
    assertEquals(TimeDomain.PROCESSING_TIME, p.timer().getDomain());
    assertTrue(timers.isEmpty());
  }

  @Test
  public void processingTimersFireInTimeOrderUpToNow() {
    setProcessing(timers, B, NS1, "p2", 200);
    setProcessing(timers, A, NS1, "p1", 100);
    setProcessing(timers, C, NS1, "p3", 300);
    assertEquals("a/p1@100", describe(timers.pollDueProcessingTimer(new Instant(250))));
    assertEquals("b/p2@200", describe(timers.pollDueProcessingTimer(new Instant(250))));
    assertNull(timers.pollDueProcessingTimer(new Instant(250)));
    assertEquals(1, timers.size());
  }

  @Test
  public void timerSetWhileFiringBeforeTheWatermarkFiresInTheSameLoop() {
    setEvent(timers, A, NS1, "first", 10);
    setEvent(timers, B, NS1, "last", 40);
    timers.setInputWatermark(new Instant(50));
    List<String> fired = new ArrayList<>();
    KeyedTimer k;
    while ((k = timers.pollDueEventTimer()) != null) {
      fired.add(describe(k));
      if (k.timer().getTimerId().equals("first")) {
        setEvent(timers, C, NS1, "cascade", 20);
        setEvent(timers, C, NS2, "atWatermark", 50);
        setEvent(timers, C, NS2, "future", 51);
      }
    }
    assertEquals(List.of("a/first@10", "c/cascade@20", "b/last@40"), fired);
    assertEquals("atWatermark@50 and future@51 wait", 2, timers.size());
  }

  @Test
  public void negativeTimestampsFireFirst() {
    setEvent(timers, A, NS1, "pos", 1);
    setEvent(timers, B, NS1, "zero", 0);
    setEvent(timers, C, NS1, "neg", -1);
    setEvent(timers, A, NS2, "veryNeg", -1_000_000_000_000L);
    assertEquals(List.of("a/veryNeg@-1000000000000", "c/neg@-1"), fireEvent(timers, 0));
    assertEquals(List.of("b/zero@0", "a/pos@1"), fireEvent(timers, 2));
  }

  @Test
  public void firedTimerDataEqualsWhatWasSet() {
    TimerData set =
        TimerData.of("t", "fam", NS2, new Instant(150), new Instant(120), TimeDomain.EVENT_TIME);
    timers.forKey(B).setTimer(set);
    setEvent(timers, A, GLOBAL, "g", 160);
    timers.setInputWatermark(new Instant(1000));
    KeyedTimer fired = timers.pollDueEventTimer();
    assertEquals(B, fired.key());
    assertEquals(set, fired.timer());
    KeyedTimer global = timers.pollDueEventTimer();
    assertEquals(A, global.key());
    assertEquals(GLOBAL, global.timer().getNamespace());
  }

  @Test
  public void sizeAndIsEmpty() {
    assertTrue(timers.isEmpty());
    assertEquals(0, timers.size());
    setEvent(timers, A, NS1, "t", 10);
    setProcessing(timers, A, NS1, "p", 10);
    assertFalse(timers.isEmpty());
    assertEquals(2, timers.size());
    assertNull("not due at its own time", timers.pollDueProcessingTimer(new Instant(10)));
    timers.pollDueProcessingTimer(new Instant(11));
    assertEquals(1, timers.size());
  }

  @Test
  public void watermarksAreVisibleThroughTheKeyView() {
    timers.setInputWatermark(new Instant(42));
    assertEquals(new Instant(42), timers.forKey(A).currentInputWatermarkTime());
  }
}
