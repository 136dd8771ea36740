package org.beamsamza.state.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link PushedBack} over the full store stack (caching over RocksDB), reopened as after a restart.
 */
public class PushedBackTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final Coder<WindowedValue<Object>> CODER =
      (Coder) WindowedValues.getFullCoder(StringUtf8Coder.of(), IntervalWindow.getCoder());

  private static WindowedValue<Object> element(String value, long timestamp) {
    IntervalWindow window = new IntervalWindow(new Instant(0), new Instant(1000));
    return WindowedValues.of(value, new Instant(timestamp), window, PaneInfo.NO_FIRING);
  }

  @Test
  public void elementsComeBackInOrderWithTheirKeysAndAreGoneAfterwards() throws Exception {
    try (KeyValueStore store = FullStackStore.open(tmp.newFolder())) {
      PushedBack pushedBack = new PushedBack(store, "step", CODER);
      assertTrue(pushedBack.isEmpty());
      assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, pushedBack.earliestTimestamp());
      pushedBack.add(new ByteKey(new byte[] {1, 2}), element("a", 30));
      pushedBack.add(null, element("b", 10));
      pushedBack.add(new ByteKey(new byte[0]), element("c", 20));
      assertFalse(pushedBack.isEmpty());
      assertEquals(new Instant(10), pushedBack.earliestTimestamp());

      List<PushedBack.Element> all = pushedBack.takeAll();
      assertEquals(3, all.size());
      assertEquals(element("a", 30), all.get(0).value());
      assertEquals(new ByteKey(new byte[] {1, 2}), all.get(0).key());
      assertEquals(element("b", 10), all.get(1).value());
      assertNull(all.get(1).key());
      assertEquals(new ByteKey(new byte[0]), all.get(2).key());
      assertTrue(pushedBack.isEmpty());
      assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, pushedBack.earliestTimestamp());
      assertTrue(pushedBack.takeAll().isEmpty());
      assertTrue(new PushedBack(store, "step", CODER).isEmpty());
    }
  }

  @Test
  public void aReopenedStepFindsWhatAnEarlierRunPushedBackAndAddsAfterIt() throws Exception {
    java.io.File dir = tmp.newFolder();
    try (KeyValueStore store = FullStackStore.open(dir)) {
      PushedBack first = new PushedBack(store, "step", CODER);
      first.add(null, element("a", 50));
      first.add(null, element("b", 40));
      new PushedBack(store, "other step", CODER).add(null, element("x", 1));
      store.flush();
    }
    try (KeyValueStore store = FullStackStore.open(dir)) {
      PushedBack reopened = new PushedBack(store, "step", CODER);
      assertFalse(reopened.isEmpty());
      assertEquals("the hold is rebuilt", new Instant(40), reopened.earliestTimestamp());
      reopened.add(null, element("c", 60));
      List<PushedBack.Element> all = reopened.takeAll();
      assertEquals(
          List.of(element("a", 50), element("b", 40), element("c", 60)),
          all.stream().map(PushedBack.Element::value).toList());
      assertEquals(1, new PushedBack(store, "other step", CODER).takeAll().size());
    }
  }
}
