package org.beamsamza.state.beam;

import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;

/** The shared timer behaviour over {@link KeyValueTimers} on the in-memory store. */
public class KeyValueTimersInMemoryContractTest extends KeyedTimersContractTest {
  @Override
  protected Timers newTimers() {
    return KeyValueTimersRocksDbContractTest.adapt(
        new KeyValueTimers(new InMemoryKeyValueStore(), "step", IntervalWindow.getCoder()));
  }
}
