package org.beamsamza.state.kv.internals;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToIntFunction;
import org.junit.Test;

/**
 * {@link ByteKeyLruTable} against a {@code LinkedHashMap} in access order as the model: random
 * adds, finds, touches, removals (of random entries and of the eldest) and clears, with well-mixed
 * hashes and with hashes that collide heavily (few distinct values, so long probe runs that wrap
 * around the index and backward-shift deletions inside them).
 */
public class ByteKeyLruTableTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void findsAddedKeysByContentNotIdentity() {
    ByteKeyLruTable t = new ByteKeyLruTable();
    int s = t.add(b("k"), CacheKey.hash(b("k")), b("v"), true);
    assertThat(t.find(b("k"), CacheKey.hash(b("k"))), is(s));
    assertThat(t.value(s), equalTo(b("v")));
    assertThat(t.isDirty(s), is(true));
    assertThat(t.find(b("x"), CacheKey.hash(b("x"))), is(ByteKeyLruTable.NONE));
  }

  @Test
  public void equalHashesDifferentKeysAreDistinct() {
    ByteKeyLruTable t = new ByteKeyLruTable();
    int a = t.add(b("a"), 7, b("1"), false);
    int c = t.add(b("c"), 7, null, false);
    assertThat(a, not(c));
    assertThat(t.find(b("a"), 7), is(a));
    assertThat(t.find(b("c"), 7), is(c));
    assertThat(t.value(c), nullValue());
    t.remove(a);
    assertThat("c is still found after the run's first entry is removed", t.find(b("c"), 7), is(c));
    assertThat(t.find(b("a"), 7), is(ByteKeyLruTable.NONE));
  }

  @Test
  public void eldestFollowsAccessOrder() {
    ByteKeyLruTable t = new ByteKeyLruTable();
    int a = t.add(b("a"), 1, null, false);
    int bb = t.add(b("b"), 2, null, false);
    int c = t.add(b("c"), 3, null, false);
    assertThat(t.eldest(), is(a));
    t.touch(a);
    assertThat(t.eldest(), is(bb));
    t.remove(bb);
    assertThat(t.eldest(), is(c));
    t.touch(c);
    assertThat(t.eldest(), is(a));
  }

  @Test
  public void matchesTheModelWithMixedHashes() {
    for (long seed = 0; seed < 20; seed++) {
      run(seed, k -> CacheKey.hash(k), 200);
    }
  }

  @Test
  public void matchesTheModelWithCollidingHashes() {
    for (long seed = 0; seed < 20; seed++) {
      // Few distinct hashes, and large ones whose low bits wrap near the end of the index.
      run(seed, k -> CacheKey.hash(k) & 0x7 | 0x7FFF_FFF8, 120);
      run(seed, k -> CacheKey.hash(k) & 0x3, 60);
    }
  }

  private static void run(long seed, ToIntFunction<byte[]> hashOf, int keySpace) {
    Random r = new Random(seed);
    ByteKeyLruTable t = new ByteKeyLruTable();
    LinkedHashMap<String, String> model = new LinkedHashMap<>(16, 0.75f, true);
    Map<String, Integer> slots = new HashMap<>();
    for (int op = 0; op < 5000; op++) {
      String k = "key-" + r.nextInt(keySpace);
      byte[] kb = b(k);
      int h = hashOf.applyAsInt(kb);
      int choice = r.nextInt(100);
      int found = t.find(b(k), h);
      assertThat(
          seed + "/" + op + " presence of " + k,
          found != ByteKeyLruTable.NONE,
          is(model.containsKey(k)));
      if (found != ByteKeyLruTable.NONE) {
        assertThat("slot of " + k, found, is(slots.get(k)));
        String v = model.get(k); // touches the model
        assertThat(t.value(found), equalTo(v == null ? null : b(v)));
        assertThat(t.key(found), equalTo(kb));
        if (choice < 30) {
          t.remove(found);
          model.remove(k);
          slots.remove(k);
        } else if (choice < 60) {
          String nv = r.nextBoolean() ? null : "v" + op;
          t.setValue(found, nv == null ? null : b(nv));
          model.put(k, nv);
          t.touch(found);
        } else {
          t.touch(found);
        }
      } else if (choice < 70) {
        String v = r.nextInt(5) == 0 ? null : "v" + op;
        int s = t.add(kb, h, v == null ? null : b(v), r.nextBoolean());
        model.put(k, v);
        slots.put(k, s);
      }
      if (r.nextInt(10) == 0 && !model.isEmpty()) {
        String eldestKey = model.keySet().iterator().next();
        int e = t.eldest();
        assertThat("eldest", new String(t.key(e), StandardCharsets.UTF_8), equalTo(eldestKey));
        t.remove(e);
        model.remove(eldestKey);
        slots.remove(eldestKey);
      }
      if (r.nextInt(2000) == 0) {
        t.clear();
        model.clear();
        slots.clear();
      }
      assertThat(t.size(), is(model.size()));
    }
    // Every key in the model is found; the LRU order is the model's.
    List<String> order = new ArrayList<>();
    while (t.eldest() != ByteKeyLruTable.NONE) {
      int e = t.eldest();
      String k = new String(t.key(e), StandardCharsets.UTF_8);
      assertThat(t.find(t.key(e), hashOf.applyAsInt(t.key(e))), is(e));
      order.add(k);
      t.remove(e);
    }
    assertThat(order, equalTo(new ArrayList<>(model.keySet())));
  }
}
