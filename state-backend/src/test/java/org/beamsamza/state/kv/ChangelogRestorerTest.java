package org.beamsamza.state.kv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.junit.Test;

public class ChangelogRestorerTest {

  /** Counts batch calls and rejects single writes, so the test proves batching. */
  private static final class BatchOnlyStore extends ForwardingStore {
    final List<Integer> putAllSizes = new ArrayList<>();
    final List<Integer> deleteAllSizes = new ArrayList<>();

    BatchOnlyStore() {
      super(new InMemoryKeyValueStore());
    }

    @Override
    public void put(byte[] key, byte[] value) {
      throw new AssertionError("restore must use putAll");
    }

    @Override
    public void delete(byte[] key) {
      throw new AssertionError("restore must use deleteAll");
    }

    @Override
    public void putAll(List<Entry> entries) {
      putAllSizes.add(entries.size());
      super.putAll(entries);
    }

    @Override
    public void deleteAll(List<byte[]> keys) {
      deleteAllSizes.add(keys.size());
      super.deleteAll(keys);
    }
  }

  private static byte[] s(String str) {
    return str.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void replaysPutsAndTombstonesLastWriteWins() {
    BatchOnlyStore store = new BatchOnlyStore();
    store.inner.put(s("old"), s("x")); // present before restore, deleted by the log
    List<Entry> log =
        List.of(
            new Entry(s("a"), s("1")),
            new Entry(s("b"), s("2")),
            new Entry(s("a"), null),
            new Entry(s("c"), s("3")),
            new Entry(s("b"), s("22")),
            new Entry(s("old"), null),
            new Entry(s("d"), null),
            new Entry(s("d"), s("4")));
    long restored = new ChangelogRestorer().restore(log.iterator(), store);
    assertThat(restored, is(8L));
    assertThat(store.get(s("a")), nullValue());
    assertThat(store.get(s("b")), equalTo(s("22")));
    assertThat(store.get(s("c")), equalTo(s("3")));
    assertThat(store.get(s("d")), equalTo(s("4")));
    assertThat(store.get(s("old")), nullValue());
    assertThat(store.putAllSizes, contains(3));
    assertThat(store.deleteAllSizes, contains(2));
  }

  @Test
  public void writesInBatchesOfN() {
    BatchOnlyStore store = new BatchOnlyStore();
    List<Entry> log = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      log.add(new Entry(s(String.format("k%02d", i)), s("v" + i)));
    }
    long restored = new ChangelogRestorer(10).restore(log.iterator(), store);
    assertThat(restored, is(25L));
    assertThat(store.putAllSizes, contains(10, 10, 5));
    assertThat(store.get(s("k24")), equalTo(s("v24")));
  }

  @Test
  public void orderAcrossBatchesIsPreserved() {
    BatchOnlyStore store = new BatchOnlyStore();
    List<Entry> log =
        List.of(
            new Entry(s("a"), s("1")),
            new Entry(s("b"), s("1")), // batch 1
            new Entry(s("a"), null),
            new Entry(s("b"), s("2")), // batch 2
            new Entry(s("a"), s("3"))); // batch 3
    new ChangelogRestorer(2).restore(log.iterator(), store);
    assertThat(store.get(s("a")), equalTo(s("3")));
    assertThat(store.get(s("b")), equalTo(s("2")));
  }

  @Test
  public void emptyChangelogRestoresNothing() {
    BatchOnlyStore store = new BatchOnlyStore();
    assertThat(new ChangelogRestorer().restore(Collections.emptyIterator(), store), is(0L));
    assertThat(store.putAllSizes.size(), is(0));
  }

  @Test
  public void rejectsNonPositiveBatchSize() {
    assertThrows(IllegalArgumentException.class, () -> new ChangelogRestorer(0));
  }
}
