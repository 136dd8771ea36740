package org.beamsamza.runtime.storage;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Test;

/**
 * {@link ChangelogReader} ends only when it has provably read up to the end offset, however slow
 * its consumer, and fails loudly (never silently short) when the consumer makes no progress.
 */
public class ChangelogReaderTest {
  private static final SystemStreamPartition SSP = new SystemStreamPartition("sys", "cl-S", 3);
  private static final TaskName TASK = new TaskName("S-3");
  private static final Comparator<String> ORDER = Comparator.comparingLong(Long::parseLong);
  private static final String OPTION = "stores.st.changelog.restore.stall.ms";

  /** A clock the scripted consumer advances by each empty poll's timeout: no real waiting. */
  private static final class FakeClock implements LongSupplier {
    long nanos;

    @Override
    public long getAsLong() {
      return nanos;
    }
  }

  /**
   * Plays a script: {@code deliver(n)} returns the next n records in one poll; {@code silence(ms)}
   * returns nothing for that long (each empty poll lasting its timeout, on the real clock or on a
   * fake one). Position: the offset after the last record returned; once every record was returned
   * and the script is played out, {@code finalPosition} (past records Kafka never returns, e.g. a
   * compacted-away tombstone or a transaction marker at the end).
   */
  private static final class ScriptedConsumer implements SystemConsumer {
    final List<IncomingMessageEnvelope> records = new ArrayList<>();
    final Deque<long[]> script = new ArrayDeque<>(); // {0, n}: deliver n; {1, ms}: silence
    final FakeClock fakeClock; // null: silences pass on the real clock
    long finalPosition = -1;
    boolean reportsPosition = true;
    boolean positionMovesInSilence; // each empty poll moves the position by one (markers, holes)
    int next;
    long position;
    long silenceEndsAt = -1;
    boolean started;
    boolean stopped;
    String registeredAt;
    int polls;

    ScriptedConsumer(FakeClock fakeClock) {
      this.fakeClock = fakeClock;
    }

    ScriptedConsumer records(long... offsets) {
      for (long o : offsets) {
        records.add(
            new IncomingMessageEnvelope(SSP, Long.toString(o), ("k" + o).getBytes(), new byte[3]));
      }
      return this;
    }

    ScriptedConsumer deliver(int n) {
      script.add(new long[] {0, n});
      return this;
    }

    ScriptedConsumer silence(long ms) {
      script.add(new long[] {1, ms});
      return this;
    }

    private long now() {
      return fakeClock != null ? fakeClock.nanos : System.nanoTime();
    }

    @Override
    public void register(SystemStreamPartition ssp, String startingOffset) {
      assertEquals(SSP, ssp);
      registeredAt = startingOffset;
    }

    @Override
    public void start() {
      started = true;
      position = records.isEmpty() ? 0 : Long.parseLong(records.get(0).getOffset());
    }

    @Override
    public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
        Set<SystemStreamPartition> ssps, long timeoutMs) {
      polls++;
      while (!script.isEmpty()) {
        long[] step = script.peek();
        if (step[0] == 0) {
          script.poll();
          int to = (int) Math.min(records.size(), next + step[1]);
          List<IncomingMessageEnvelope> batch = new ArrayList<>(records.subList(next, to));
          next = to;
          if (!batch.isEmpty()) {
            position = Long.parseLong(batch.get(batch.size() - 1).getOffset()) + 1;
            return Map.of(SSP, batch);
          }
          continue;
        }
        if (silenceEndsAt < 0) {
          silenceEndsAt = now() + TimeUnit.MILLISECONDS.toNanos(step[1]);
        }
        if (now() >= silenceEndsAt) {
          script.poll();
          silenceEndsAt = -1;
          continue;
        }
        emptyPoll(timeoutMs);
        return Map.of();
      }
      if (next >= records.size() && finalPosition >= 0) {
        position = finalPosition;
      }
      emptyPoll(timeoutMs);
      return Map.of();
    }

    private void emptyPoll(long timeoutMs) {
      if (fakeClock != null) {
        fakeClock.nanos += TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      } else {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(timeoutMs)); // a poll's wait
      }
      if (positionMovesInSilence) {
        position++;
      }
    }

    @Override
    public String position(SystemStreamPartition ssp) {
      return reportsPosition ? Long.toString(position) : null;
    }

    @Override
    public void stop() {
      stopped = true;
    }
  }

  private static ChangelogReader reader(
      ScriptedConsumer c, String start, String end, long stallMs, LongSupplier clock) {
    return new ChangelogReader(c, SSP, "st", TASK, start, end, ORDER, stallMs, OPTION, clock);
  }

  private static List<String> readAll(ChangelogReader r) {
    List<String> offsets = new ArrayList<>();
    while (r.hasNext()) {
      offsets.add(r.next().getOffset());
    }
    return offsets;
  }

  private static List<String> range(long from, long toInclusive) {
    List<String> out = new ArrayList<>();
    for (long o = from; o <= toInclusive; o++) {
      out.add(Long.toString(o));
    }
    return out;
  }

  /**
   * The bug: the old reader took 200 ms without records for the end of the changelog. Here the
   * consumer is silent for 400 ms (real time) before its first record and between batches, as a
   * cold or loaded Kafka consumer is: every record must still come back, in order.
   */
  @Test
  public void slowConsumerWithLongEmptyPollsBetweenBatchesDeliversEveryRecord() {
    ScriptedConsumer c = new ScriptedConsumer(null);
    long[] offsets = new long[3000];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = i;
    }
    c.records(offsets).silence(400);
    for (int i = 0; i < 3; i++) {
      c.deliver(700).deliver(300).silence(400);
    }
    long t0 = System.nanoTime();
    List<String> read;
    try (ChangelogReader r =
        new ChangelogReader(
            c,
            SSP,
            "st",
            TASK,
            null,
            "2999",
            ORDER,
            TaskStorageManager.DEFAULT_RESTORE_STALL_MS,
            OPTION)) {
      read = readAll(r);
      assertEquals(3000, r.records());
      // keys "k0".."k2999" (2 to 5 bytes), values 3 bytes
      assertEquals(10 * 2 + 90 * 3 + 900 * 4 + 2000 * 5 + 3000 * 3, r.bytes());
    }
    assertEquals(range(0, 2999), read);
    assertTrue("the silences really happened", System.nanoTime() - t0 >= 1_200_000_000L);
    assertTrue(c.stopped);
    assertEquals(null, c.registeredAt);
  }

  /** Hours of silence on a fake clock, with the reader's default stall timeout: still no end. */
  @Test
  public void silenceShorterThanTheStallTimeoutIsWaitedOutHoweverLong() {
    FakeClock clock = new FakeClock();
    ScriptedConsumer c = new ScriptedConsumer(clock).records(10, 11, 12, 13);
    c.deliver(1).silence(299_000).deliver(2).silence(299_000).deliver(1);
    try (ChangelogReader r = reader(c, "10", "13", 300_000, clock)) {
      assertEquals(range(10, 13), readAll(r));
    }
  }

  /**
   * A compacted changelog's newest record can be gone (a trailing tombstone compacted away) or be
   * one the consumer never returns (a Kafka transaction marker): the position past it ends the
   * restore at once, with every record before it.
   */
  @Test
  public void endsWhenThePositionPassesTheEndOffsetThoughTheRecordThereIsGone() {
    FakeClock clock = new FakeClock();
    ScriptedConsumer c = new ScriptedConsumer(clock).records(0, 1, 3, 4, 7).deliver(2).deliver(3);
    c.finalPosition = 9; // offset 8 (the newest) compacted away or a marker
    try (ChangelogReader r = reader(c, null, "8", 1_000, clock)) {
      assertEquals(List.of("0", "1", "3", "4", "7"), readAll(r));
      assertFalse(r.hasNext());
    }
    assertTrue("ended on the position, not after a wait", clock.nanos < 100_000_000L);
  }

  /** Records written after the restore began (past its end offset) are not replayed. */
  @Test
  public void stopsAtTheEndOffsetAndReturnsNothingPastIt() {
    FakeClock clock = new FakeClock();
    ScriptedConsumer c = new ScriptedConsumer(clock).records(5, 6, 7, 8, 9).deliver(5);
    try (ChangelogReader r = reader(c, "5", "7", 1_000, clock)) {
      assertEquals(List.of("5", "6", "7"), readAll(r));
      assertEquals(3, r.records());
    }
  }

  /**
   * A position that keeps moving without records (a long run of markers or compacted holes) is
   * progress, not a stall, even past the stall timeout in total.
   */
  @Test
  public void aMovingPositionIsProgress() {
    FakeClock clock = new FakeClock();
    ScriptedConsumer c = new ScriptedConsumer(clock).records(0, 1_000_000).deliver(1);
    c.silence(10_000).deliver(1);
    c.positionMovesInSilence = true;
    try (ChangelogReader r = reader(c, null, "1000000", 1_000, clock)) {
      assertEquals(List.of("0", "1000000"), readAll(r));
    }
  }

  /**
   * No record and no move of the position for the stall timeout: a loud failure naming store, task,
   * changelog partition, offsets reached and expected and the option, never a short store.
   */
  @Test
  public void noProgressForTheStallTimeoutFailsNamingEverything() {
    FakeClock clock = new FakeClock();
    ScriptedConsumer c = new ScriptedConsumer(clock).records(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    c.deliver(5).silence(Long.MAX_VALUE / 4_000_000);
    try (ChangelogReader r = reader(c, null, "9", 600_000, clock)) {
      List<String> got = new ArrayList<>();
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> {
                while (r.hasNext()) {
                  got.add(r.next().getOffset());
                }
              });
      assertEquals(range(0, 4), got);
      assertTrue("waited the whole timeout", clock.nanos >= 600_000_000_000L);
      for (String part :
          new String[] {
            "store 'st'",
            "task S-3",
            SSP.toString(),
            "600000 ms",
            OPTION,
            "read 5 records",
            "last at offset 4",
            "consumer position 5",
            "must reach offset 9"
          }) {
        assertThat(e.getMessage(), containsString(part));
      }
    }
    assertTrue(c.stopped);
  }

  /**
   * A consumer that cannot report its position, whose newest record is gone: the reader cannot
   * prove it is done, so it fails after the stall timeout rather than ending short or hanging.
   */
  @Test
  public void withoutPositionsAMissingNewestRecordFailsInsteadOfEndingSilently() {
    FakeClock clock = new FakeClock();
    ScriptedConsumer c = new ScriptedConsumer(clock).records(0, 1).deliver(2);
    c.reportsPosition = false;
    try (ChangelogReader r = reader(c, null, "2", 5_000, clock)) {
      assertEquals("0", r.next().getOffset());
      assertEquals("1", r.next().getOffset());
      IllegalStateException e = assertThrows(IllegalStateException.class, r::hasNext);
      assertThat(e.getMessage(), containsString("consumer position null"));
      assertThat(e.getMessage(), containsString("must reach offset 2"));
    }
  }
}
