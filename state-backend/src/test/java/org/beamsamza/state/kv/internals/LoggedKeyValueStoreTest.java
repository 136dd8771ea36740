package org.beamsamza.state.kv.internals;

import static org.beamsamza.state.kv.internals.KeyValueStoreContractTest.s;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueStore;
import org.junit.Test;

public class LoggedKeyValueStoreTest {
  private final List<String> events = new ArrayList<>();
  private final RecordingKeyValueStore inner = new RecordingKeyValueStore(events);
  private final RecordingChangelogWriter changelog = new RecordingChangelogWriter(events);
  private final KeyValueStore store = new LoggedKeyValueStore(inner, changelog);

  @Test
  public void changelogReceivesPutsAndTombstonesInOrder() {
    store.put(s("a"), s("1"));
    store.delete(s("a"));
    store.putAll(List.of(new Entry(s("b"), s("2")), new Entry(s("c"), s("3"))));
    store.deleteAll(List.of(s("b"), s("x")));
    store.put(s("a"), s("4"));
    assertThat(
        changelog.records,
        contains(
            new Entry(s("a"), s("1")),
            new Entry(s("a"), null),
            new Entry(s("b"), s("2")),
            new Entry(s("c"), s("3")),
            new Entry(s("b"), null),
            new Entry(s("x"), null),
            new Entry(s("a"), s("4"))));
    assertThat(inner.get(s("a")), equalTo(s("4")));
    assertThat(inner.get(s("b")), is((byte[]) null));
  }

  @Test
  public void aRangeDeleteLogsATombstoneForEveryKeyInTheRangeAndNoOther() {
    for (String k : List.of("a", "b", "ba", "c")) {
      store.put(s(k), s(k));
    }
    changelog.records.clear();
    store.deleteRange(s("b"), s("c"));
    assertThat(changelog.records, contains(new Entry(s("b"), null), new Entry(s("ba"), null)));
    assertThat(inner.get(s("ba")), is((byte[]) null));
    assertThat(inner.get(s("c")), equalTo(s("c")));
  }

  @Test
  public void innerIsWrittenBeforeChangelog() {
    store.put(s("a"), s("1"));
    store.delete(s("a"));
    assertThat(events, contains("inner.put", "changelog.write", "inner.delete", "changelog.write"));
  }

  @Test
  public void flushFlushesInnerThenChangelog() {
    store.put(s("a"), s("1"));
    events.clear();
    store.flush();
    assertThat(events, contains("inner.flush", "changelog.flush"));
  }

  @Test
  public void readsAndIterationDoNotTouchChangelog() {
    store.put(s("a"), s("1"));
    changelog.records.clear();
    store.get(s("a"));
    store.getAll(List.of(s("a")));
    KeyValueStoreContractTest.drain(store.all());
    KeyValueStoreContractTest.drain(store.prefix(s("a")));
    assertThat(changelog.records, empty());
  }

  @Test
  public void failedInnerWriteIsNotLogged() {
    store.close();
    // inner is closed: the put fails there, before anything is logged
    assertThrows(IllegalStateException.class, () -> store.put(s("a"), s("1")));
    assertThat(changelog.records, empty());
  }
}
