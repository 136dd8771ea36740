package org.beamsamza.state.kv.internals;

import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.drain;
import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.s;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.util.List;
import org.beamsamza.state.kv.Entry;
import org.junit.Test;

public class MeteredKeyValueStoreTest {
  private final MeteredKeyValueStore store = new MeteredKeyValueStore(new InMemoryKeyValueStore());

  @Test
  public void countsOperationsAndBytes() {
    store.put(s("k1"), s("abc")); // 2 + 3
    store.putAll(List.of(new Entry(s("k2"), s("de")), new Entry(s("k3"), s("f")))); // 4 + 3
    assertThat(store.puts(), is(3L));
    assertThat(store.bytesWritten(), is(12L));

    store.get(s("k1")); // 3 bytes read
    store.get(s("missing")); // 0
    store.getAll(List.of(s("k2"), s("k3"), s("nope"))); // 2 + 1
    assertThat(store.gets(), is(5L));
    assertThat(store.bytesRead(), is(6L));

    store.delete(s("k1")); // 2
    store.deleteAll(List.of(s("k2"), s("zzz"))); // 2 + 3
    assertThat(store.deletes(), is(3L));
    assertThat(store.bytesWritten(), is(19L));

    drain(store.all()); // k3 -> f: 3 bytes
    drain(store.prefix(s("k")));
    drain(store.range(s("a"), s("b")));
    assertThat(store.iterators(), is(3L));
    assertThat(store.bytesRead(), is(12L));
  }

  @Test
  public void accumulatesTime() {
    for (int i = 0; i < 100; i++) {
      store.put(s("k" + i), s("v"));
      store.get(s("k" + i));
      store.delete(s("k" + i));
    }
    drain(store.all());
    store.flush();
    assertThat(store.putNanos(), greaterThan(0L));
    assertThat(store.getNanos(), greaterThan(0L));
    assertThat(store.deleteNanos(), greaterThan(0L));
    assertThat(store.iteratorNanos(), greaterThan(0L));
  }
}
