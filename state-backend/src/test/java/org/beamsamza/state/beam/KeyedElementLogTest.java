package org.beamsamza.state.beam;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * The keyed element log over an in-memory store and the production stack (a 4-entry cache, so
 * evictions happen while it is written and read): groups come out in key order with their elements
 * in append order, across batches and restarts, and reading deletes them.
 */
@RunWith(Parameterized.class)
public class KeyedElementLogTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Parameterized.Parameters(name = "{0}")
  public static Object[] stacks() {
    return new Object[] {"in-memory", "full-stack"};
  }

  @Parameterized.Parameter public String stack;

  private KeyValueStore store() throws Exception {
    return stack.equals("in-memory")
        ? new InMemoryKeyValueStore()
        : FullStackStore.open(tmp.newFolder());
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Reads every group, {@code chunk} elements at a time, as key -> elements. */
  private static Map<String, List<String>> readAll(KeyedElementLog log, int batch, int chunk) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    try (KeyedElementLog.Reader reader = log.read(batch)) {
      byte[] key;
      while ((key = reader.nextKey()) != null) {
        List<String> values = new ArrayList<>();
        List<byte[]> part;
        while (!(part = reader.nextElements(chunk)).isEmpty()) {
          assertThat(part.size() <= chunk, is(true));
          part.forEach(v -> values.add(s(v)));
        }
        assertThat("key " + s(key) + " came twice", groups.put(s(key), values), nullValue());
      }
    }
    return groups;
  }

  @Test
  public void groupsComeOutInKeyOrderWithElementsInAppendOrder() throws Exception {
    for (int batch : new int[] {1, 2, 3, 1000}) {
      KeyValueStore store = store();
      KeyedElementLog log = new StepState(store, "step", null).keyedElementLog();
      // "a" and "a\0" would interleave without the length prefix; "" is a legal key too.
      log.append(b("b"), b("b1"));
      log.append(b("a\0"), b("a0-1"));
      log.append(b("a"), b("a1"));
      log.append(b(""), b("empty1"));
      log.append(b("b"), b("b2"));
      log.append(b("a"), b("a2"));
      log.append(b("a\0"), b("a0-2"));
      log.append(b("a"), b("a3"));

      Map<String, List<String>> groups = readAll(log, batch, 2);

      // Key order is by length first (the length prefix), then by bytes.
      assertThat("batch " + batch, groups.keySet(), contains("", "a", "b", "a\0"));
      assertThat(groups.get("a"), contains("a1", "a2", "a3"));
      assertThat(groups.get("a\0"), contains("a0-1", "a0-2"));
      assertThat(groups.get("b"), contains("b1", "b2"));
      assertThat(groups.get(""), contains("empty1"));
      assertThat("reading deleted the log", logEntries(store), empty());
      store.close();
    }
  }

  /** The log's key order: by key length first (the length prefix), then by bytes. */
  private int byLength(String x, String y) {
    return x.length() != y.length()
        ? Integer.compare(x.length(), y.length())
        : Bytes.ORDER.compare(b(x), b(y));
  }

  @Test
  public void manyRandomKeysMatchASortedModel() throws Exception {
    KeyValueStore store = store();
    KeyedElementLog log = new StepState(store, "step", null).keyedElementLog();
    Random random = new Random(42);
    Map<String, List<String>> model = new TreeMap<>(this::byLength);
    for (int i = 0; i < 5_000; i++) {
      String key = "k" + random.nextInt(300);
      String value = "v" + i;
      log.append(b(key), b(value));
      model.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    assertThat(readAll(log, 64, 7), equalTo(model));
    assertThat(logEntries(store), empty());
  }

  @Test
  public void writesToTheStoreBetweenReadsDoNotDisturbTheRead() throws Exception {
    KeyValueStore store = store();
    KeyedElementLog log = new StepState(store, "step", null).keyedElementLog();
    for (int i = 0; i < 50; i++) {
      log.append(b("k" + (i % 5)), b("v" + i));
    }
    List<String> seen = new ArrayList<>();
    try (KeyedElementLog.Reader reader = log.read(3)) {
      byte[] key;
      int n = 0;
      while ((key = reader.nextKey()) != null) {
        for (byte[] v : reader.nextElements(Integer.MAX_VALUE)) {
          seen.add(s(key) + "=" + s(v));
          // What the steps after a grouping do: write their own state into the same store.
          store.put(b("\u0001other-" + n++), b("x"));
        }
      }
    }
    assertThat(seen.size(), is(50));
    assertThat(seen.get(0), is("k0=v0"));
    assertThat(seen.get(49), is("k4=v49"));
    assertThat(logEntries(store), empty());
    assertThat(store.get(b("\u0001other-49")), equalTo(b("x")));
  }

  @Test
  public void aRestartedStepAppendsAfterWhatAnEarlierRunLogged() throws Exception {
    KeyValueStore store = store();
    KeyedElementLog firstRun = new StepState(store, "step", null).keyedElementLog();
    firstRun.append(b("k"), b("first run"));
    firstRun.flush(); // what the operator does before every commit
    // Appended after the last commit: a crash loses it, and its input offset was not checkpointed
    // either, so the restarted task reads it again.
    firstRun.append(b("k"), b("lost: appended after the last commit"));
    // A restart: a new StepState (and so a new sequence epoch) over the same store.
    KeyedElementLog log = new StepState(store, "step", null).keyedElementLog();
    log.append(b("k"), b("second run"));
    // Another step's log is separate.
    new StepState(store, "other", null).keyedElementLog().append(b("k"), b("other step"));

    assertThat(readAll(log, 10, 10), equalTo(Map.of("k", List.of("first run", "second run"))));
  }

  @Test
  public void aReaderThatSkipsAKeyStillDeletesIt() throws Exception {
    KeyValueStore store = store();
    KeyedElementLog log = new StepState(store, "step", null).keyedElementLog();
    log.append(b("a"), b("1"));
    log.append(b("a"), b("2"));
    log.append(b("b"), b("3"));
    try (KeyedElementLog.Reader reader = log.read(10)) {
      assertThat(s(reader.nextKey()), is("a"));
      assertThat(reader.nextElements(1).size(), is(1));
      assertThat(s(reader.nextKey()), is("b")); // the rest of "a" skipped
      assertThat(s(reader.nextElements(10).get(0)), is("3"));
      assertThat(reader.nextKey(), nullValue());
    }
    assertThat(logEntries(store), empty());
  }

  private static List<Entry> logEntries(KeyValueStore store) {
    List<Entry> out = new ArrayList<>();
    try (KeyValueIterator it =
        store.prefix(StateKeyLayout.stepPrefix(KeyedElementLog.KIND_KEYED_LOG, "step"))) {
      it.forEachRemaining(out::add);
    }
    return out;
  }
}
