package org.beamsamza.state.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.joda.time.Instant;
import org.junit.Test;

/** Timers read processing time only from the step's clock, on the heap and in a store. */
public class ProcessingClockTest {
  private static final ByteKey KEY = new ByteKey("k".getBytes(StandardCharsets.UTF_8));

  private static void readsTheClock(
      KeyTimerInternals.StepTimers timers, TimerInternals internals, AtomicReference<Instant> now) {
    now.set(new Instant(1_000));
    assertThat(internals.currentProcessingTime(), is(new Instant(1_000)));
    now.set(new Instant(5_000));
    assertThat(internals.currentProcessingTime(), is(new Instant(5_000)));
    assertThat(internals.currentSynchronizedProcessingTime(), is(new Instant(5_000)));
    assertThat(timers.processingTime(), is(new Instant(5_000)));
  }

  @Test
  public void storeTimersReadTheirClock() {
    AtomicReference<Instant> now = new AtomicReference<>();
    KeyValueTimers timers =
        new KeyValueTimers(new InMemoryKeyValueStore(), "step", GlobalWindow.Coder.INSTANCE);
    timers.setProcessingClock(now::get);
    readsTheClock(timers, timers.forKey(KEY), now);
  }

  @Test
  public void heapTimersReadTheirClock() {
    AtomicReference<Instant> now = new AtomicReference<>();
    KeyedTimers timers = new KeyedTimers();
    timers.setProcessingClock(now::get);
    readsTheClock(timers, timers.forKey(KEY), now);
  }
}
