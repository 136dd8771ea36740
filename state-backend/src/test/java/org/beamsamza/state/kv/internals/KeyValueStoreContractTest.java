package org.beamsamza.state.kv.internals;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.beamsamza.state.kv.Bytes;
import org.beamsamza.state.kv.Entry;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The behaviour every {@link KeyValueStore} must have, run against each implementation and
 * decorator by a subclass that says how to create one.
 */
public abstract class KeyValueStoreContractTest {

  protected KeyValueStore store;

  /** A new, empty store. */
  protected abstract KeyValueStore createStore() throws Exception;

  @Before
  public void setUpStore() throws Exception {
    store = createStore();
  }

  @After
  public void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static byte[] b(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return out;
  }

  static byte[] s(String str) {
    return str.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static List<String> keysHex(KeyValueIterator it) {
    List<String> out = new ArrayList<>();
    try (it) {
      while (it.hasNext()) {
        out.add(Bytes.toHex(it.next().key()));
      }
    }
    return out;
  }

  static List<Entry> drain(KeyValueIterator it) {
    List<Entry> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  public void putGetDelete() {
    assertThat(store.get(s("a")), nullValue());
    store.put(s("a"), s("1"));
    assertThat(store.get(s("a")), equalTo(s("1")));
    store.delete(s("a"));
    assertThat(store.get(s("a")), nullValue());
    store.delete(s("never-there")); // no-op
  }

  @Test
  public void overwriteReplacesValue() {
    store.put(s("k"), s("old"));
    store.put(s("k"), s("new"));
    assertThat(store.get(s("k")), equalTo(s("new")));
    assertThat(drain(store.all()), contains(new Entry(s("k"), s("new"))));
  }

  @Test
  public void emptyValueIsAValue() {
    store.put(s("k"), new byte[0]);
    assertThat(store.get(s("k")), equalTo(new byte[0]));
    assertThat(drain(store.all()).size(), is(1));
  }

  @Test
  public void storedArraysAreNotAffectedByCallerMutation() {
    byte[] k = s("key");
    byte[] v = s("value");
    store.put(k, v);
    v[0] = 'X';
    k[0] = 'X';
    assertThat(store.get(s("key")), equalTo(s("value")));
    assertThat(store.get(k), nullValue());
  }

  @Test
  public void getAllKeepsPositionsWithNullForMissing() {
    store.put(s("a"), s("1"));
    store.put(s("c"), s("3"));
    List<byte[]> values = store.getAll(List.of(s("c"), s("b"), s("a")));
    assertThat(values.size(), is(3));
    assertThat(values.get(0), equalTo(s("3")));
    assertThat(values.get(1), nullValue());
    assertThat(values.get(2), equalTo(s("1")));
  }

  @Test
  public void putAllAndDeleteAll() {
    store.putAll(
        List.of(new Entry(s("a"), s("1")), new Entry(s("b"), s("2")), new Entry(s("c"), s("3"))));
    assertThat(store.get(s("b")), equalTo(s("2")));
    store.deleteAll(List.of(s("a"), s("c"), s("missing")));
    assertThat(drain(store.all()), contains(new Entry(s("b"), s("2"))));
  }

  @Test
  public void putAllLaterEntryForSameKeyWins() {
    store.putAll(List.of(new Entry(s("a"), s("1")), new Entry(s("a"), s("2"))));
    assertThat(store.get(s("a")), equalTo(s("2")));
  }

  @Test
  public void rangeIsFromInclusiveToExclusive() {
    for (String k : List.of("a", "b", "ba", "c", "d")) {
      store.put(s(k), s(k));
    }
    assertThat(keysHex(store.range(s("b"), s("d"))), contains(hex("b"), hex("ba"), hex("c")));
    assertThat(keysHex(store.range(s("aa"), s("c"))), contains(hex("b"), hex("ba")));
    assertThat(keysHex(store.range(s("b"), s("b"))), empty());
    assertThat(keysHex(store.range(s("d"), s("b"))), empty());
    assertThat(keysHex(store.range(null, s("b"))), contains(hex("a")));
    assertThat(keysHex(store.range(s("c"), null)), contains(hex("c"), hex("d")));
    assertThat(keysHex(store.range(null, null)).size(), is(5));
  }

  @Test
  public void rangeReturnsValues() {
    store.put(s("a"), s("1"));
    store.put(s("b"), s("2"));
    assertThat(
        drain(store.range(s("a"), s("z"))),
        contains(new Entry(s("a"), s("1")), new Entry(s("b"), s("2"))));
  }

  @Test
  public void prefixStopsAtPrefixEnd() {
    for (String k : List.of("ab", "abc", "abd", "ac", "b", "a")) {
      store.put(s(k), s(k));
    }
    assertThat(keysHex(store.prefix(s("ab"))), contains(hex("ab"), hex("abc"), hex("abd")));
    assertThat(
        keysHex(store.prefix(s("a"))),
        contains(hex("a"), hex("ab"), hex("abc"), hex("abd"), hex("ac")));
    assertThat(keysHex(store.prefix(s("x"))), empty());
    assertThat(keysHex(store.prefix(new byte[0])).size(), is(6));
  }

  @Test
  public void prefixEndingInFfBytes() {
    store.put(b(0x01, 0xFE, 0xFF), s("before"));
    store.put(b(0x01, 0xFF), s("exact"));
    store.put(b(0x01, 0xFF, 0x00), s("in1"));
    store.put(b(0x01, 0xFF, 0xFF, 0xFF), s("in2"));
    store.put(b(0x02), s("after"));
    store.put(b(0x02, 0x00), s("after2"));
    assertThat(keysHex(store.prefix(b(0x01, 0xFF))), contains("01ff", "01ff00", "01ffffff"));
    assertThat(keysHex(store.prefix(b(0x01, 0xFF, 0xFF))), contains("01ffffff"));
  }

  @Test
  public void prefixOfOnlyFfBytesRunsToTheEnd() {
    store.put(b(0xFE, 0xFF), s("before"));
    store.put(b(0xFF), s("1"));
    store.put(b(0xFF, 0x00), s("2"));
    store.put(b(0xFF, 0xFF, 0xFF), s("3"));
    assertThat(keysHex(store.prefix(b(0xFF))), contains("ff", "ff00", "ffffff"));
    assertThat(keysHex(store.prefix(b(0xFF, 0xFF))), contains("ffffff"));
  }

  @Test
  public void keysAreOrderedAsUnsignedBytes() {
    for (int v : new int[] {0xFF, 0x80, 0x7F, 0x00, 0x81}) {
      store.put(b(0x05, v), b(v));
    }
    store.put(b(0x80), s("x"));
    store.put(b(0x7F, 0xFF), s("y"));
    assertThat(
        keysHex(store.all()), contains("0500", "057f", "0580", "0581", "05ff", "7fff", "80"));
    assertThat(keysHex(store.range(b(0x05, 0x7F), b(0x05, 0x81))), contains("057f", "0580"));
    assertThat(keysHex(store.prefix(b(0x05))), contains("0500", "057f", "0580", "0581", "05ff"));
  }

  @Test
  public void allOnEmptyStoreIsEmpty() {
    try (KeyValueIterator it = store.all()) {
      assertThat(it.hasNext(), is(false));
      assertThrows(java.util.NoSuchElementException.class, it::next);
    }
  }

  @Test
  public void iteratorCloseIsIdempotent() {
    store.put(s("a"), s("1"));
    KeyValueIterator it = store.all();
    it.close();
    it.close();
  }

  @Test
  public void flushKeepsData() {
    store.put(s("a"), s("1"));
    store.delete(s("a"));
    store.put(s("b"), s("2"));
    store.flush();
    assertThat(store.get(s("a")), nullValue());
    assertThat(store.get(s("b")), equalTo(s("2")));
  }

  @Test
  public void operationsAfterCloseFailAndCloseIsIdempotent() {
    store.put(s("a"), s("1"));
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.get(s("a")));
    assertThrows(IllegalStateException.class, () -> store.put(s("a"), s("2")));
    assertThrows(IllegalStateException.class, () -> store.all());
    store = null;
  }

  @Test
  public void deleteRangeRemovesExactlyFromInclusiveToExclusive() {
    for (String k : List.of("a", "b", "ba", "bb", "c", "d")) {
      store.put(s(k), s(k));
    }
    store.deleteRange(s("b"), s("c"));
    assertThat(keysHex(store.all()), contains(hex("a"), hex("c"), hex("d")));
    store.deleteRange(s("d"), s("b")); // empty range: nothing
    store.deleteRange(s("x"), s("z")); // nothing there
    assertThat(keysHex(store.all()), contains(hex("a"), hex("c"), hex("d")));
    store.put(s("b"), s("again")); // a key deleted by a range can be written again
    assertThat(store.get(s("b")), equalTo(s("again")));
    store.flush();
    assertThat(store.get(s("ba")), nullValue());
  }

  /** Range deletes mixed with writes and reads, against a TreeMap model. */
  @Test
  public void randomDeleteRangesMatchSortedMapModel() {
    Random random = new Random(7);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
    int[] alphabet = {0x00, 0x01, 0x7F, 0x80, 0xFF};
    for (int i = 0; i < 2000; i++) {
      byte[] key = randomKey(random, alphabet);
      int op = random.nextInt(10);
      if (op < 6) {
        store.put(key, b(i & 0xFF));
        model.put(key, b(i & 0xFF));
      } else if (op < 7) {
        byte[] other = randomKey(random, alphabet);
        byte[] from = Arrays.compareUnsigned(key, other) <= 0 ? key : other;
        byte[] to = from == key ? other : key;
        store.deleteRange(from, to);
        model.subMap(from, true, to, false).clear();
      } else if (op < 8) {
        store.flush();
      } else {
        assertThat(store.get(key), equalTo(model.get(key)));
      }
    }
    assertThat(drain(store.all()), equalTo(entries(model)));
  }

  /** Random operations against a TreeMap model; catches ordering, caching and bound bugs. */
  @Test
  public void randomOperationsMatchSortedMapModel() {
    Random random = new Random(42);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
    int[] alphabet = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};
    for (int i = 0; i < 3000; i++) {
      byte[] key = randomKey(random, alphabet);
      int op = random.nextInt(10);
      if (op < 5) {
        byte[] value = b(i & 0xFF, (i >> 8) & 0xFF);
        store.put(key, value);
        model.put(key, value);
      } else if (op < 7) {
        store.delete(key);
        model.remove(key);
      } else if (op < 8) {
        assertThat(store.get(key), equalTo(model.get(key)));
      } else if (op < 9) {
        byte[] other = randomKey(random, alphabet);
        byte[] from = Arrays.compareUnsigned(key, other) <= 0 ? key : other;
        byte[] to = from == key ? other : key;
        assertThat(
            "range " + Bytes.toHex(from) + ".." + Bytes.toHex(to),
            drain(store.range(from, to)),
            equalTo(entries(model.subMap(from, true, to, false))));
      } else {
        byte[] prefix = Arrays.copyOf(key, random.nextInt(key.length + 1));
        List<Entry> expected = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : model.tailMap(prefix, true).entrySet()) {
          if (e.getKey().length < prefix.length
              || !Arrays.equals(Arrays.copyOf(e.getKey(), prefix.length), prefix)) {
            break;
          }
          expected.add(new Entry(e.getKey(), e.getValue()));
        }
        assertThat("prefix " + Bytes.toHex(prefix), drain(store.prefix(prefix)), equalTo(expected));
      }
    }
    assertThat(drain(store.all()), equalTo(entries(model)));
  }

  private static byte[] randomKey(Random random, int[] alphabet) {
    byte[] key = new byte[1 + random.nextInt(3)];
    for (int j = 0; j < key.length; j++) {
      key[j] = (byte) alphabet[random.nextInt(alphabet.length)];
    }
    return key;
  }

  private static List<Entry> entries(Map<byte[], byte[]> map) {
    List<Entry> out = new ArrayList<>();
    map.forEach((k, v) -> out.add(new Entry(k, v)));
    return out;
  }

  private static String hex(String str) {
    return Bytes.toHex(s(str));
  }
}
