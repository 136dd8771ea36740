package org.beamsamza.state.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaceForTest;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.state.BagState;
import org.beamsamza.state.kv.ChangelogRestorer;
import org.beamsamza.state.kv.ChangelogWriter;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.CachingKeyValueStore;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.state.kv.internals.LoggedKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Bag order and uniqueness with the step-wide {@link ElementSequence}, across restarts. */
public class ElementSequenceTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final StateNamespace NS = new StateNamespaceForTest("ns");
  private static final StateTag<BagState<String>> BAG = StateTags.bag("bag", StringUtf8Coder.of());

  private static StateInternals internals(KeyValueStore store, ElementSequence seq) {
    return new KeyValueStateInternals(
        store, "step", "key".getBytes(StandardCharsets.UTF_8), "key", seq);
  }

  @Test
  public void numbersIncreaseAndEpochsPersist() {
    KeyValueStore store = new InMemoryKeyValueStore();
    ElementSequence a = ElementSequence.open(store, "step");
    long a1 = a.next();
    long a2 = a.next();
    assertThat(a2, greaterThan(a1));
    assertThat(a1 >= (1L << 32), is(true));
    ElementSequence b = ElementSequence.open(store, "step"); // a restart
    assertThat(b.next(), greaterThan(a2));
    assertThat(b.epoch(), is(a.epoch() + 1));
    // Another step has its own epochs.
    ElementSequence other = ElementSequence.open(store, "other");
    other.next();
    assertThat(other.epoch(), is(1L));
  }

  @Test
  public void openingWritesNothingUntilTheFirstNumberIsTaken() {
    org.beamsamza.state.kv.internals.LazyOpenStore<InMemoryKeyValueStore> store =
        new org.beamsamza.state.kv.internals.LazyOpenStore<>(InMemoryKeyValueStore::new);
    ElementSequence seq = ElementSequence.open(store, "step");
    long peeked = seq.peekNext();
    assertThat("a task that adds nothing never opens its store", store.isOpen(), is(false));
    assertThat(seq.next(), is(peeked));
    assertThat(store.isOpen(), is(true));
  }

  @Test
  public void bagKeepsOrderAcrossRocksDbReopen() throws Exception {
    File dir = tmp.newFolder("task-0");
    try (KeyValueStore store = new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      StateInternals s = internals(store, ElementSequence.open(store, "step"));
      s.state(NS, BAG).add("b1");
      s.state(NS, BAG).add("b2");
    }
    try (KeyValueStore store = new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())) {
      StateInternals s = internals(store, ElementSequence.open(store, "step"));
      s.state(NS, BAG).add("b3");
      s.state(NS, BAG).add("b2"); // duplicates are separate elements
      assertThat(s.state(NS, BAG).read(), contains("b1", "b2", "b3", "b2"));
      s.state(NS, BAG).clear();
      s.state(NS, BAG).add("c1");
      assertThat(s.state(NS, BAG).read(), contains("c1"));
    }
  }

  /**
   * A crash may lose any tail of the changelog that was not flushed. For every prefix of the
   * changelog (each a possible restored state), a restarted step appends after every restored
   * element and overwrites none.
   */
  @Test
  public void bagKeepsOrderAfterRestoringAnyPrefixOfTheChangelog() throws Exception {
    List<Entry> changelog = new ArrayList<>();
    ChangelogWriter writer =
        new ChangelogWriter() {
          @Override
          public void write(byte[] key, byte[] value) {
            changelog.add(new Entry(key, value));
          }

          @Override
          public void flush() {}
        };
    KeyValueStore first =
        new CachingKeyValueStore(new LoggedKeyValueStore(new InMemoryKeyValueStore(), writer), 3);
    ElementSequence seq1 = ElementSequence.open(first, "step");
    for (int i = 0; i < 10; i++) {
      internals(first, seq1).state(NS, BAG).add("a" + i);
    }
    first.flush();
    // A second run on the same store (a restart without loss), then more elements, never closed.
    ElementSequence seq2 = ElementSequence.open(first, "step");
    for (int i = 0; i < 10; i++) {
      internals(first, seq2).state(NS, BAG).add("b" + i);
    }
    first.flush();

    // The model, independent of the restore code: the bag's elements in the order they were
    // added, and the changelog record that carries each of them (its value is the element's
    // encoding, StringUtf8Coder in the outer context: the UTF-8 bytes). A restored prefix of n
    // records must hold exactly the elements whose record is among those n, in the order added.
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add("a" + i);
    }
    for (int i = 0; i < 10; i++) {
      all.add("b" + i);
    }
    Map<String, Integer> recordOf = new HashMap<>();
    for (String element : all) {
      byte[] encoded = element.getBytes(StandardCharsets.UTF_8);
      for (int r = 0; r < changelog.size(); r++) {
        if (Arrays.equals(changelog.get(r).value(), encoded)) {
          assertThat("one record per element: " + element, recordOf.put(element, r), nullValue());
        }
      }
      assertThat("the changelog holds " + element, recordOf.containsKey(element), is(true));
    }

    for (int n = 0; n <= changelog.size(); n++) {
      List<String> expectedBefore = new ArrayList<>();
      for (String element : all) {
        if (recordOf.get(element) < n) {
          expectedBefore.add(element);
        }
      }
      KeyValueStore restored = new CachingKeyValueStore(new InMemoryKeyValueStore(), 3);
      new ChangelogRestorer().restore(changelog.subList(0, n).iterator(), restored);
      List<String> before = new ArrayList<>();
      internals(restored, null).state(NS, BAG).read().forEach(before::add);
      assertThat("restored from changelog prefix " + n, before, is(expectedBefore));
      // Whatever was restored is a prefix of what was written, in order.
      assertThat("changelog prefix " + n, before, is(all.subList(0, before.size())));
      ElementSequence seq = ElementSequence.open(restored, "step");
      internals(restored, seq).state(NS, BAG).add("new1");
      internals(restored, seq).state(NS, BAG).add("new2");
      List<String> after = new ArrayList<>();
      internals(restored, seq).state(NS, BAG).read().forEach(after::add);
      List<String> expected = new ArrayList<>(expectedBefore);
      expected.addAll(Arrays.asList("new1", "new2"));
      assertThat("changelog prefix " + n, after, is(expected));
    }
  }
}
