package org.beamsamza.state.beam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.io.File;
import java.nio.charset.StandardCharsets;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.state.kv.RocksDbStoreConfig;
import org.beamsamza.state.kv.internals.InMemoryKeyValueStore;
import org.beamsamza.state.kv.internals.RocksDbKeyValueStore;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/** {@link KeyValueWatermarkHolds} over the in-memory store and RocksDB. */
@RunWith(Parameterized.class)
public class KeyValueWatermarkHoldsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Parameters(name = "{0}")
  public static Object[] stores() {
    return new Object[] {"in-memory", "rocksdb"};
  }

  @Parameter public String storeKind;

  private static final ByteKey A = new ByteKey("a".getBytes(StandardCharsets.UTF_8));
  private static final ByteKey B = new ByteKey("b".getBytes(StandardCharsets.UTF_8));

  private File dir;
  private KeyValueStore store;
  private KeyValueWatermarkHolds holds;

  private KeyValueStore open() {
    return storeKind.equals("rocksdb")
        ? new RocksDbKeyValueStore(dir, RocksDbStoreConfig.defaults())
        : new InMemoryKeyValueStore();
  }

  @Before
  public void setUp() throws Exception {
    dir = tmp.newFolder("task-0");
    store = open();
    holds = new KeyValueWatermarkHolds(store, "step");
  }

  @After
  public void tearDown() {
    store.close();
  }

  private int storeSize() {
    int n = 0;
    try (KeyValueIterator it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  @Test
  public void earliestIsTheMinimumAcrossKeys() {
    assertNull(holds.earliest());
    holds.set(A, "w1", "hold", new Instant(30));
    holds.set(B, "w1", "hold", new Instant(10));
    holds.set(A, "w2", "hold", new Instant(20));
    assertEquals(new Instant(10), holds.earliest());
  }

  @Test
  public void clearingTheEarliestRevealsTheNext() {
    holds.set(A, "w1", "hold", new Instant(30));
    holds.set(B, "w1", "hold", new Instant(10));
    holds.set(B, "w1", "hold", null);
    assertEquals(new Instant(30), holds.earliest());
    holds.set(A, "w1", "hold", null);
    assertNull(holds.earliest());
    assertEquals(0, storeSize());
  }

  @Test
  public void settingAgainReplacesTheHold() {
    holds.set(A, "w1", "hold", new Instant(10));
    holds.set(A, "w1", "hold", new Instant(50));
    assertEquals(new Instant(50), holds.earliest());
    holds.set(A, "w1", "hold", new Instant(50));
    assertEquals(2, storeSize());
    holds.set(A, "w1", "hold", new Instant(5));
    assertEquals(new Instant(5), holds.earliest());
    assertEquals(2, storeSize());
  }

  @Test
  public void equalHoldsOfTwoCellsAreBothCounted() {
    holds.set(A, "w1", "hold", new Instant(10));
    holds.set(B, "w1", "hold", new Instant(10));
    holds.set(A, "w1", "hold", null);
    assertEquals(new Instant(10), holds.earliest());
  }

  @Test
  public void negativeHoldsOrderBeforePositive() {
    holds.set(A, "w1", "hold", new Instant(1));
    holds.set(B, "w1", "hold", new Instant(-1));
    holds.set(A, "w2", "hold", new Instant(0));
    assertEquals(new Instant(-1), holds.earliest());
    holds.set(B, "w1", "hold", null);
    assertEquals(new Instant(0), holds.earliest());
  }

  @Test
  public void clearingAnAbsentHoldIsANoOp() {
    holds.set(A, "w1", "hold", null);
    assertNull(holds.earliest());
    assertEquals(0, storeSize());
  }

  @Test
  public void stepsAreSeparate() {
    KeyValueWatermarkHolds other = new KeyValueWatermarkHolds(store, "step2");
    holds.set(A, "w1", "hold", new Instant(10));
    other.set(A, "w1", "hold", new Instant(5));
    assertEquals(new Instant(10), holds.earliest());
    assertEquals(new Instant(5), other.earliest());
  }

  @Test
  public void holdsSurviveReopen() {
    if (!storeKind.equals("rocksdb")) {
      return;
    }
    holds.set(A, "w1", "hold", new Instant(10));
    holds.set(B, "w1", "hold", new Instant(7));
    store.close();
    store = open();
    holds = new KeyValueWatermarkHolds(store, "step");
    assertEquals(new Instant(7), holds.earliest());
    holds.set(B, "w1", "hold", null);
    assertEquals(new Instant(10), holds.earliest());
  }

  @Test
  public void earliestFollowsHoldsSetBelowWhatWasAlreadyRead() {
    holds.set(A, "w", "hold", new Instant(20));
    holds.set(B, "w", "hold", new Instant(30));
    assertEquals(new Instant(20), holds.earliest());
    holds.set(A, "w", "hold", null); // released: the next read starts past it
    assertEquals(new Instant(30), holds.earliest());
    holds.set(A, "w2", "hold", new Instant(5)); // below everything read so far
    assertEquals(new Instant(5), holds.earliest());
    holds.set(A, "w2", "hold", null);
    holds.set(B, "w", "hold", null);
    assertNull(holds.earliest());
    holds.set(B, "w3", "hold", new Instant(-100)); // and after the index was seen empty
    assertEquals(new Instant(-100), holds.earliest());
  }
}
