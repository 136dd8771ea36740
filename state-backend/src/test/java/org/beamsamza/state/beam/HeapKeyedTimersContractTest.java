package org.beamsamza.state.beam;

import org.apache.beam.runners.core.TimerInternals;
import org.joda.time.Instant;

/** The shared timer behaviour over the heap {@link KeyedTimers}. */
public class HeapKeyedTimersContractTest extends KeyedTimersContractTest {
  @Override
  protected Timers newTimers() {
    KeyedTimers t = new KeyedTimers();
    return new Timers() {
      @Override
      public TimerInternals forKey(ByteKey key) {
        return t.forKey(key);
      }

      @Override
      public void setInputWatermark(Instant watermark) {
        t.setInputWatermark(watermark);
      }

      @Override
      public KeyedTimer pollDueEventTimer() {
        return t.pollDueEventTimer();
      }

      @Override
      public KeyedTimer pollDueProcessingTimer(Instant now) {
        return t.pollDueProcessingTimer(now);
      }

      @Override
      public int size() {
        return t.size();
      }

      @Override
      public boolean isEmpty() {
        return t.isEmpty();
      }
    };
  }
}
