package org.beamsamza.state.beam;

import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/** The shared timer behaviour over {@link KeyValueTimers} on RocksDB. */
public class KeyValueTimersRocksDbContractTest extends KeyedTimersContractTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private RocksDbKeyValueStore store;

  @Override
  protected Timers newTimers() throws Exception {
    store = new RocksDbKeyValueStore(tmp.newFolder("task-0"), RocksDbStoreConfig.defaults());
    return adapt(new KeyValueTimers(store, "step", IntervalWindow.getCoder()));
  }

  @After
  public void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static Timers adapt(KeyValueTimers t) {
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
