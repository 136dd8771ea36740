package org.beamsamza.runtime.storage;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The changelog and OFFSET-file rules of {@link TaskStorageManager}, over the in-memory system. */
public class TaskStorageManagerChangelogTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final InMemoryStreams streams = new InMemoryStreams();
  private final InMemorySystemFactory factory = new InMemorySystemFactory(streams);
  private final SystemStream changelog = new SystemStream("mem", "cl-S");

  /** Task S-1 of a 3-task stage: its changelog partition is 1. */
  private final SystemStreamPartition ssp = changelog.partition(1);

  private final TaskModel model = new TaskModel(new TaskName("S-1"), "S", 1, 3, Set.of());
  private final List<StoreRestoreStats> restores = new ArrayList<>();

  /** A store that is a map; "persistent" stores mark their directory with a DATA file. */
  public static final class MapEngineFactory implements StorageEngineFactory {
    @Override
    public StorageEngine getStorageEngine(StoreContext context) {
      return new MapEngine(context);
    }
  }

  static final class MapEngine implements StorageEngine {
    final StoreContext context;
    final Map<String, String> map = new LinkedHashMap<>();
    final boolean persistent;
    boolean stopped;

    MapEngine(StoreContext context) {
      this.context = context;
      this.persistent = context.storeConfig().getBoolean("persistent", true);
      if (persistent) {
        context.storeDir().mkdirs();
        try {
          Files.writeString(context.storeDir().toPath().resolve("DATA"), "x");
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }
    }

    @Override
    public Object getStore() {
      return this;
    }

    void put(String k, String v) {
      map.put(k, v);
      context
          .changelog()
          .send(
              new OutgoingMessageEnvelope(
                  context.changelogPartition().getSystemStream(),
                  context.changelogPartition().getPartition(),
                  bytes(k),
                  v == null ? null : bytes(v)));
    }

    @Override
    public void restore(Iterator<IncomingMessageEnvelope> records) {
      while (records.hasNext()) {
        IncomingMessageEnvelope e = records.next();
        String k = new String((byte[]) e.getKey(), StandardCharsets.UTF_8);
        if (e.getMessage() == null) {
          map.remove(k);
        } else {
          map.put(k, new String((byte[]) e.getMessage(), StandardCharsets.UTF_8));
        }
      }
    }

    @Override
    public boolean persistsAcrossRestarts() {
      return persistent;
    }

    @Override
    public void flush() {}

    @Override
    public void stop() {
      stopped = true;
    }
  }

  private StoreSystems systems() {
    SystemProducer producer = factory.getProducer("mem", Config.empty());
    return new StoreSystems() {
      @Override
      public SystemAdmin admin(String system) {
        if (!system.equals("mem")) {
          throw new IllegalArgumentException("no system '" + system + "'");
        }
        return factory.getAdmin(system, Config.empty());
      }

      @Override
      public SystemConsumer newConsumer(String system) {
        return factory.getConsumer(system, Config.empty());
      }

      @Override
      public MessageCollector changelogCollector() {
        return producer::send;
      }
    };
  }

  private TaskStorageManager manager(String... extra) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(TaskStorageManager.STORE_BASE_DIR, tmp.getRoot().getPath());
    c.put("stores.s.factory", MapEngineFactory.class.getName());
    c.put("stores.s.changelog", "mem.cl");

    for (int i = 0; i < extra.length; i += 2) {
      c.put(extra[i], extra[i + 1]);
    }
    return new TaskStorageManager(model, new Config(c), systems(), restores::add);
  }

  private File dir() {
    return new File(new File(tmp.getRoot(), "s"), "S-1");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Creates the changelog as the manager would and appends k0=v0 .. k4=v4 (offsets 0..4). */
  private void fiveRecords() {
    manager().getStore("s"); // creates the stream
    restores.clear();
    for (int i = 0; i < 5; i++) {
      streams.append(ssp, bytes("k" + i), bytes("v" + i));
    }
  }

  private void localState(String offsetFileContent) throws IOException {
    dir().mkdirs();
    Files.writeString(dir().toPath().resolve("JUNK"), "local");
    if (offsetFileContent != null) {
      Files.writeString(dir().toPath().resolve(TaskStorageManager.OFFSET_FILE), offsetFileContent);
    }
  }

  private MapEngine open(TaskStorageManager m) {
    return (MapEngine) m.getStore("s");
  }

  private StoreRestoreStats lastRestore() {
    return restores.get(restores.size() - 1);
  }

  @Test
  public void createsTheCompactedChangelogWithOnePartitionPerTaskOfTheStage() {
    MapEngine e = open(manager());
    assertTrue(streams.exists(changelog));
    assertEquals(3, streams.getPartitionCount(changelog));
    assertEquals("compact", streams.getStreamSpec(changelog).getProperties().get("cleanup.policy"));
    assertEquals(ssp, e.context.changelogPartition());
    assertEquals(StoreRestoreStats.Mode.FULL, lastRestore().mode());
    assertEquals(0, lastRestore().records());
    assertNull(lastRestore().endOffset());
  }

  @Test
  public void directoryWithoutOffsetFileIsWipedAndTheWholePartitionReplayed() throws IOException {
    fiveRecords();
    localState(null);
    MapEngine e = open(manager());
    assertFalse("stale local state must be wiped", new File(dir(), "JUNK").exists());
    assertEquals(StoreRestoreStats.Mode.FULL, lastRestore().mode());
    assertEquals(5, lastRestore().records());
    assertEquals("0", lastRestore().startOffset());
    assertEquals("4", lastRestore().endOffset());
    assertEquals(Map.of("k0", "v0", "k1", "v1", "k2", "v2", "k3", "v3", "k4", "v4"), e.map);
    assertEquals(5 * 4, lastRestore().bytes()); // "k0" + "v0" .. "k4" + "v4"
  }

  @Test
  public void offsetFileAtTheNewestOffsetReplaysNothingAndIsDeletedOnOpen() throws IOException {
    fiveRecords();
    localState("4\n");
    MapEngine e = open(manager());
    assertTrue("current local state is kept", new File(dir(), "JUNK").exists());
    assertFalse(
        "OFFSET is deleted as soon as the store is opened",
        new File(dir(), TaskStorageManager.OFFSET_FILE).exists());
    assertEquals(StoreRestoreStats.Mode.NONE, lastRestore().mode());
    assertEquals(0, lastRestore().records());
    assertTrue(e.map.isEmpty());
  }

  @Test
  public void olderOffsetFileReplaysOnlyTheDelta() throws IOException {
    fiveRecords();
    localState("2");
    MapEngine e = open(manager());
    assertTrue(new File(dir(), "JUNK").exists());
    assertEquals(StoreRestoreStats.Mode.DELTA, lastRestore().mode());
    assertEquals("3", lastRestore().startOffset());
    assertEquals(2, lastRestore().records());
    assertEquals(Map.of("k3", "v3", "k4", "v4"), e.map);
  }

  @Test
  public void offsetAheadOfTheChangelogOrUnparseableMeansFullRestore() throws IOException {
    fiveRecords();
    for (String bad : new String[] {"99", "not-an-offset"}) {
      localState(bad);
      MapEngine e = open(manager());
      assertFalse(bad, new File(dir(), "JUNK").exists());
      assertEquals(bad, StoreRestoreStats.Mode.FULL, lastRestore().mode());
      assertEquals(bad, 5, e.map.size());
    }
  }

  @Test
  public void nonPersistentStoreAlwaysReplaysEverything() throws IOException {
    fiveRecords();
    localState("4");
    MapEngine e = open(manager("stores.s.persistent", "false"));
    assertEquals(StoreRestoreStats.Mode.FULL, lastRestore().mode());
    assertEquals(5, e.map.size());
  }

  @Test
  public void cleanStopWritesTheNewestOffsetAndUncleanStopWritesNothing() throws IOException {
    TaskStorageManager m = manager();
    open(m).put("a", "1");
    open(m).put("b", "2");
    assertTrue(m.hasLoggedStores());
    assertNull(m.stop(true));
    File offsetFile = new File(dir(), TaskStorageManager.OFFSET_FILE);
    assertEquals("1", Files.readString(offsetFile.toPath()));

    TaskStorageManager m2 = manager();
    MapEngine e2 = open(m2);
    assertEquals(StoreRestoreStats.Mode.NONE, lastRestore().mode());
    assertFalse(offsetFile.exists());
    e2.put("c", "3");
    assertNull(m2.stop(false));
    assertFalse("an unclean stop leaves no OFFSET file", offsetFile.exists());

    MapEngine e3 = open(manager());
    assertEquals(StoreRestoreStats.Mode.FULL, lastRestore().mode());
    assertEquals(Map.of("a", "1", "b", "2", "c", "3"), e3.map);
  }

  @Test
  public void restoreHonoursCompactionAndTombstones() {
    MapEngine first = open(manager("stores.s.persistent", "false"));
    first.put("k1", "a");
    first.put("k2", "x");
    first.put("k1", "b");
    first.put("k3", "y");
    first.put("k2", null); // trailing tombstone: compaction removes it, restore must still end
    streams.compact(ssp);
    assertEquals(2, streams.readAll(ssp).size());
    MapEngine e = open(manager("stores.s.persistent", "false"));
    assertEquals(Map.of("k1", "b", "k3", "y"), e.map);
    assertEquals(2, lastRestore().records());
    assertEquals("4", lastRestore().endOffset());
  }

  @Test
  public void invalidChangelogConfigNamesTheStoreAndTheKey() {
    for (String bad : new String[] {"", "nodot", ".x", "mem.", "nosys.cl"}) {
      Exception e =
          assertThrows(
              bad, RuntimeException.class, () -> manager("stores.s.changelog", bad).getStore("s"));
      assertThat(e.getMessage(), containsString("Store 's'"));
      assertThat(e.getMessage(), containsString("stores.s.changelog"));
    }
  }

  @Test
  public void loggedStoreNeedsTheStageTaskCount() {
    TaskModel withoutCount = new TaskModel(new TaskName("S-1"), "S", 1, Set.of());
    Map<String, String> c = new LinkedHashMap<>();
    c.put("stores.s.factory", MapEngineFactory.class.getName());
    c.put("stores.s.changelog", "mem.cl");
    c.put(TaskStorageManager.STORE_BASE_DIR, tmp.getRoot().getPath());
    Exception e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new TaskStorageManager(withoutCount, new Config(c), systems(), s -> {})
                    .getStore("s"));
    assertThat(e.getMessage(), containsString("task count"));
    assertThat(e.getMessage(), containsString("stores.s.changelog"));
  }

  @Test
  public void inMemoryAdminReportsOldestAndNewestOffsets() {
    SystemAdmin admin = factory.getAdmin("mem", Config.empty());
    open(manager());
    assertNull(admin.getOldestOffset(ssp));
    assertNull(admin.getNewestOffset(ssp));
    streams.append(ssp, bytes("k"), bytes("v"));
    streams.append(ssp, bytes("k"), bytes("w"));
    assertEquals("0", admin.getOldestOffset(ssp));
    assertEquals("1", admin.getNewestOffset(ssp));
    assertTrue(Arrays.equals(bytes("w"), (byte[]) streams.readAll(ssp).get(1).getMessage()));
  }
}
