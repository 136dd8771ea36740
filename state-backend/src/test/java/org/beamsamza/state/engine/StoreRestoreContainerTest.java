package org.beamsamza.state.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.container.SamzaContainer;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.StageSpec;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.storage.StoreRestoreStats;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.InitableTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskContext;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.KeyValueStateInternalsFactory;
import org.beamsamza.state.beam.KeyValueTimers;
import org.beamsamza.state.beam.KeyedTimer;
import org.beamsamza.state.kv.KeyValueIterator;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Logged stores end to end: real {@link SamzaContainer}s over the in-memory system write Beam state
 * and timers through {@code TaskContext.getStore} into a logged RocksDB store, stop (cleanly or
 * not), and a new container restores the store from the changelog. What the restored store must
 * hold is computed by the test's own formulas ({@link #expectedValue}, {@link #expectedBag}, {@link
 * #expectedTimers}), not read back from the code under test.
 */
public class StoreRestoreContainerTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final int TASKS = 2;
  private static final int KEYS_PER_BATCH = 1_000;
  private static final String STEP = "step";

  /**
   * One key in TIMER_EVERY gets an event-time timer (one in three of those is reset), the next one
   * a processing-time timer, one in 2*TIMER_EVERY a timer that is set and deleted.
   */
  private static final int TIMER_EVERY = 64;

  private static final StateNamespace NS = StateNamespaces.global();
  private static final StateTag<ValueState<String>> VALUE =
      StateTags.value("v", StringUtf8Coder.of());
  private static final StateTag<BagState<Integer>> BAG = StateTags.bag("b", VarIntCoder.of());

  private final InMemoryStreams streams = new InMemoryStreams();
  private final Map<String, SystemFactory> systems =
      Map.of("mem", new InMemorySystemFactory(streams));
  private final InMemoryCheckpointManager checkpoints = new InMemoryCheckpointManager();
  private final SystemStream in = new SystemStream("mem", "in");
  private final SystemStream changelog = new SystemStream("mem", "changelog-S");
  private final ContainerModel containerModel =
      JobModelPlanner.plan(List.of(new StageSpec("S", Map.of(in, TASKS), Map.of())), 1)
          .getContainers()
          .get("0");

  /** Verification results per task index: mismatches found (empty = all equal). */
  private final Map<Integer, List<String>> mismatches = new ConcurrentHashMap<>();

  private final Map<Integer, Long> storeEntries = new ConcurrentHashMap<>();

  // ---- the expected data, defined here independently of the code under test ----

  private static long keyId(int taskIndex, int batchesPerTask, int k) {
    return (long) taskIndex * batchesPerTask * KEYS_PER_BATCH + k;
  }

  /** Final value of key {@code id}: cleared (null), overwritten, or written once. */
  static String expectedValue(long id) {
    if (id % 11 == 0) {
      return null;
    }
    return id % 5 == 0 ? "w" + id * 7 : "v" + id * 31;
  }

  static List<Integer> expectedBag(long id) {
    List<Integer> bag = new ArrayList<>();
    bag.add((int) (id ^ 0x5a5a));
    if (id % 3 == 0) {
      bag.add((int) (id * 3));
    }
    return bag;
  }

  /** Pending timers of key {@code id} as "E|P:id:timerId:timestamp". */
  static void expectedTimers(long id, Set<String> out) {
    if (id % TIMER_EVERY == 0) {
      out.add("E:" + id + ":e:" + (id % (3 * TIMER_EVERY) == 0 ? 2_000_000 + id : 1_000_000 + id));
    }
    if (id % TIMER_EVERY == 1) {
      out.add("P:" + id + ":p:" + (5_000_000 + id));
    }
  }

  /** What the writing task does for key {@code id}; its end state must match the formulas above. */
  private static void write(
      KeyValueStateInternalsFactory<Long> state, KeyValueTimers timers, long id) {
    var si = state.stateInternalsForKey(id);
    ValueState<String> v = si.state(NS, VALUE);
    v.write("v" + id * 31);
    if (id % 5 == 0) {
      v.write("w" + id * 7);
    }
    if (id % 11 == 0) {
      v.clear();
    }
    BagState<Integer> bag = si.state(NS, BAG);
    bag.add((int) (id ^ 0x5a5a));
    if (id % 3 == 0) {
      bag.add((int) (id * 3));
    }
    var ti = timers.forKey(new ByteKey(encode(id)));
    if (id % TIMER_EVERY == 0) {
      ti.setTimer(
          NS,
          "e",
          "",
          new Instant(1_000_000 + id),
          new Instant(1_000_000 + id),
          TimeDomain.EVENT_TIME);
      if (id % (3 * TIMER_EVERY) == 0) {
        ti.setTimer(
            NS,
            "e",
            "",
            new Instant(2_000_000 + id),
            new Instant(2_000_000 + id),
            TimeDomain.EVENT_TIME);
      }
    }
    if (id % TIMER_EVERY == 1) {
      ti.setTimer(
          NS,
          "p",
          "",
          new Instant(5_000_000 + id),
          new Instant(5_000_000 + id),
          TimeDomain.PROCESSING_TIME);
    }
    if (id % (2 * TIMER_EVERY) == 0) {
      ti.setTimer(NS, "gone", "", new Instant(7), new Instant(7), TimeDomain.EVENT_TIME);
      ti.deleteTimer(NS, "gone", "", TimeDomain.EVENT_TIME);
    }
  }

  private static byte[] encode(long id) {
    try {
      return CoderUtils.encodeToByteArray(VarLongCoder.of(), id);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  // ---- the task ----

  /** Writes keys of batch b on message b; commits after the last batch; or verifies in init. */
  private final class StateTask implements InitableTask, StreamTask {
    final boolean verify;
    final int batchesPerTask;
    KeyValueStore store;
    KeyValueStateInternalsFactory<Long> state;
    KeyValueTimers timers;
    int index;

    StateTask(boolean verify, int batchesPerTask) {
      this.verify = verify;
      this.batchesPerTask = batchesPerTask;
    }

    @Override
    public void init(TaskContext context) {
      index = context.getTaskModel().getTaskIndex();
      store = (KeyValueStore) context.getStore("state");
      state = new KeyValueStateInternalsFactory<>(store, STEP, VarLongCoder.of());
      timers = new KeyValueTimers(store, STEP, GlobalWindow.Coder.INSTANCE);
      if (verify) {
        verify();
      }
    }

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
      if (verify) {
        return;
      }
      int batch = (Integer) envelope.getMessage();
      for (int k = batch * KEYS_PER_BATCH; k < (batch + 1) * KEYS_PER_BATCH; k++) {
        write(state, timers, keyId(index, batchesPerTask, k));
      }
      if (batch == batchesPerTask - 1) {
        coordinator.commit(TaskCoordinator.RequestScope.CURRENT_TASK);
      }
    }

    private void verify() {
      List<String> bad = new ArrayList<>();
      long count = 0;
      try (KeyValueIterator it = store.all()) {
        while (it.hasNext()) {
          it.next();
          count++;
        }
      }
      storeEntries.put(index, count);
      Set<String> expectedTimers = new HashSet<>();
      for (int k = 0; k < batchesPerTask * KEYS_PER_BATCH; k++) {
        long id = keyId(index, batchesPerTask, k);
        var si = state.stateInternalsForKey(id);
        String v = si.state(NS, VALUE).read();
        if (!java.util.Objects.equals(v, expectedValue(id))) {
          bad.add("value of " + id + ": " + v + " != " + expectedValue(id));
        }
        List<Integer> bag = new ArrayList<>();
        si.state(NS, BAG).read().forEach(bag::add);
        if (!bag.equals(expectedBag(id))) {
          bad.add("bag of " + id + ": " + bag + " != " + expectedBag(id));
        }
        expectedTimers(id, expectedTimers);
        if (bad.size() > 20) {
          break;
        }
      }
      if (timers.size() != expectedTimers.size()) {
        bad.add("timer count " + timers.size() + " != " + expectedTimers.size());
      }
      Set<String> actual = new HashSet<>();
      timers.setInputWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
      for (KeyedTimer t; (t = timers.pollDueEventTimer()) != null; ) {
        actual.add(
            "E:"
                + decode(t.key())
                + ":"
                + t.timer().getTimerId()
                + ":"
                + t.timer().getTimestamp().getMillis());
      }
      for (KeyedTimer t;
          (t = timers.pollDueProcessingTimer(BoundedWindow.TIMESTAMP_MAX_VALUE)) != null; ) {
        actual.add(
            "P:"
                + decode(t.key())
                + ":"
                + t.timer().getTimerId()
                + ":"
                + t.timer().getTimestamp().getMillis());
      }
      if (!actual.equals(expectedTimers)) {
        Set<String> missing = new HashSet<>(expectedTimers);
        missing.removeAll(actual);
        Set<String> extra = new HashSet<>(actual);
        extra.removeAll(expectedTimers);
        bad.add("timers differ: missing " + first(missing) + ", unexpected " + first(extra));
      }
      mismatches.put(index, bad);
    }

    private long decode(ByteKey key) {
      try {
        return CoderUtils.decodeFromByteArray(VarLongCoder.of(), key.bytes());
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }
  }

  private static List<String> first(Set<String> s) {
    return s.stream().sorted().limit(5).toList();
  }

  // ---- harness ----

  /**
   * Verifying containers run without the cache: polling every timer through {@code
   * CachingKeyValueStore} flushes the whole cache on each range scan (quadratic here), and the
   * cache has no part in restore, which writes to the bottom store.
   */
  private Config config(String backend, boolean verify) {
    Map<String, String> c = new LinkedHashMap<>();
    if (verify) {
      c.put("stores.state.cache.entries", "0");
    }
    c.put(Config.TASK_WINDOW_MS, "60000");
    c.put(Config.TASK_COMMIT_MS, "0"); // commits only on request and at the end
    c.put(TaskStorageManager.STORE_BASE_DIR, tmp.getRoot().getPath());
    c.put("stores.state.factory", KeyValueStorageEngineFactory.class.getName());
    c.put("stores.state.backend", backend);
    c.put("stores.state.changelog", "mem.changelog");
    return new Config(c);
  }

  private void writeInput(int batchesPerTask, boolean seal) {
    streams.createStream(new StreamSpec(in, TASKS, false, Map.of()));
    for (int p = 0; p < TASKS; p++) {
      for (int b = 0; b < batchesPerTask; b++) {
        streams.append(in.partition(p), null, b);
      }
    }
    if (seal) {
      streams.seal(in);
    }
  }

  private SamzaContainer container(String backend, boolean verify, int batchesPerTask) {
    return new SamzaContainer(
        "0",
        containerModel,
        config(backend, verify),
        systems,
        m -> new StateTask(verify, batchesPerTask),
        checkpoints);
  }

  /** Runs a container on its own thread; join() rethrows what run() threw. */
  private static final class Running {
    final Thread thread;
    final AtomicReference<Throwable> thrown = new AtomicReference<>();

    Running(SamzaContainer c) {
      thread =
          new Thread(
              () -> {
                try {
                  c.run();
                } catch (Throwable t) {
                  thrown.set(t);
                }
              },
              "test-container");
      thread.start();
    }

    void join() throws Exception {
      thread.join(300_000); // a hang guard, not a speed bound: a loaded 2-core CI machine is slow
      assertFalse("container did not stop", thread.isAlive());
      if (thrown.get() != null) {
        throw new AssertionError("run() failed", thrown.get());
      }
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 300_000; // a hang guard, not a speed bound
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        fail("condition not reached in 5 minutes (hung?)");
      }
      Thread.sleep(10);
    }
  }

  private boolean checkpointedAll(int batchesPerTask) {
    for (TaskModel t : containerModel.getTasks().values()) {
      Checkpoint cp = checkpoints.readLastCheckpoint(t.getTaskName());
      SystemStreamPartition input = in.partition(t.getTaskIndex());
      if (cp == null || !Integer.toString(batchesPerTask - 1).equals(cp.getOffsets().get(input))) {
        return false;
      }
    }
    return true;
  }

  private File storeDir(int taskIndex) {
    return new File(new File(tmp.getRoot(), "state"), "S-" + taskIndex);
  }

  private void assertAllEqual() {
    assertEquals(TASKS, mismatches.size());
    for (Map.Entry<Integer, List<String>> e : mismatches.entrySet()) {
      assertTrue("task " + e.getKey() + ": " + e.getValue(), e.getValue().isEmpty());
    }
  }

  private static StoreRestoreStats statsOf(SamzaContainer c, int taskIndex) {
    return c.getMetrics().getStoreRestores().stream()
        .filter(s -> s.changelogPartition().getPartition() == taskIndex)
        .findFirst()
        .orElseThrow();
  }

  // ---- tests ----

  @Test
  public void millionEntriesRestoreFullyAfterUncleanStopAndLostLocalState() throws Exception {
    int batches = 220; // 220k keys per task, 440k keys: ~1.02M state entries plus pending timers
    writeInput(batches, false);
    long w0 = System.nanoTime();
    SamzaContainer first = container("rocksdb", false, batches);
    Running running = new Running(first);
    await(() -> checkpointedAll(batches));
    first.shutdown(); // from another thread: no final commit, not a clean stop
    running.join();
    System.out.printf("restore test: writing run %d ms%n", (System.nanoTime() - w0) / 1_000_000);
    for (int t = 0; t < TASKS; t++) {
      assertTrue(storeDir(t).isDirectory());
      assertFalse(
          "no OFFSET file after an unclean stop",
          new File(storeDir(t), TaskStorageManager.OFFSET_FILE).exists());
      TaskStorageManagerAccess.wipe(storeDir(t)); // the host is gone
    }
    long[] retained = new long[TASKS];
    String[] newest = new String[TASKS];
    for (int t = 0; t < TASKS; t++) {
      retained[t] = streams.readAll(changelog.partition(t)).size();
      newest[t] = Long.toString(streams.getNextOffset(changelog.partition(t)) - 1);
    }

    streams.seal(in);
    long t0 = System.nanoTime();
    SamzaContainer second = container("rocksdb", true, batches);
    second.run();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertAllEqual();
    long entries = storeEntries.values().stream().mapToLong(Long::longValue).sum();
    assertTrue("expected > 1M store entries, got " + entries, entries > 1_000_000);
    long replayed = 0;
    for (int t = 0; t < TASKS; t++) {
      StoreRestoreStats s = statsOf(second, t);
      assertEquals(StoreRestoreStats.Mode.FULL, s.mode());
      assertEquals("whole partition " + t + " replayed", retained[t], s.records());
      assertEquals(newest[t], s.endOffset());
      assertTrue(s.bytes() > 0);
      replayed += s.records();
    }
    System.out.printf(
        "restore test: %d store entries, %d changelog records replayed, second run %d ms, %s%n",
        entries, replayed, millis, second.getMetrics().getStoreRestores());
  }

  @Test
  public void taskFailingAfterTheCommitLeavesNoOffsetFileAndRestartReplaysEverything()
      throws Exception {
    int batches = 5;
    writeInput(batches, false);
    for (int p = 0; p < TASKS; p++) {
      streams.append(in.partition(p), null, -1); // after the commit of the last batch: fail
    }
    streams.seal(in);
    SamzaContainer first =
        new SamzaContainer(
            "0",
            containerModel,
            config("rocksdb", false),
            systems,
            m -> {
              StateTask inner = new StateTask(false, batches);
              return new FailingTask(inner);
            },
            checkpoints);
    // The container fails with the task's exception: not a clean stop.
    RuntimeException failure = assertThrows(RuntimeException.class, first::run);
    assertTrue(
        "the task's own exception is the cause: " + failure,
        failure.getCause() instanceof IllegalStateException
            && "task fails after its commit".equals(failure.getCause().getMessage()));
    assertTrue(checkpointedAll(batches));
    long[] retained = new long[TASKS];
    for (int t = 0; t < TASKS; t++) {
      assertTrue(storeDir(t).isDirectory());
      assertFalse(new File(storeDir(t), TaskStorageManager.OFFSET_FILE).exists());
      retained[t] = streams.readAll(changelog.partition(t)).size();
    }
    // The restarted tasks would read the -1 messages again (they are after the checkpoint), but a
    // verifying task ignores input.
    SamzaContainer second = container("rocksdb", true, batches);
    second.run();
    assertAllEqual();
    for (int t = 0; t < TASKS; t++) {
      assertEquals(StoreRestoreStats.Mode.FULL, statsOf(second, t).mode());
      assertEquals(retained[t], statsOf(second, t).records());
    }
  }

  /** Delegates to a writing StateTask and throws on message -1. */
  private static final class FailingTask implements InitableTask, StreamTask {
    final StateTask inner;

    FailingTask(StateTask inner) {
      this.inner = inner;
    }

    @Override
    public void init(TaskContext context) {
      inner.init(context);
    }

    @Override
    public void process(IncomingMessageEnvelope e, MessageCollector c, TaskCoordinator co) {
      if ((Integer) e.getMessage() == -1) {
        throw new IllegalStateException("task fails after its commit");
      }
      inner.process(e, c, co);
    }
  }

  @Test
  public void cleanFinishKeepsLocalStateAndRestartReplaysNothing() throws Exception {
    int batches = 10;
    writeInput(batches, true);
    container("rocksdb", false, batches).run(); // finishes by itself: clean
    for (int t = 0; t < TASKS; t++) {
      File offset = new File(storeDir(t), TaskStorageManager.OFFSET_FILE);
      assertTrue(offset.exists());
      assertEquals(
          Long.toString(streams.getNextOffset(changelog.partition(t)) - 1),
          Files.readString(offset.toPath()));
    }
    SamzaContainer second = container("rocksdb", true, batches);
    second.run();
    assertAllEqual();
    for (int t = 0; t < TASKS; t++) {
      StoreRestoreStats s = statsOf(second, t);
      assertEquals(StoreRestoreStats.Mode.NONE, s.mode());
      assertEquals(0, s.records());
    }
  }

  @Test
  public void memoryBackendAlwaysReplaysTheWholeChangelog() throws Exception {
    int batches = 5;
    writeInput(batches, true);
    container("memory", false, batches).run();
    long[] retained = new long[TASKS];
    for (int t = 0; t < TASKS; t++) {
      retained[t] = streams.readAll(changelog.partition(t)).size();
    }
    SamzaContainer second = container("memory", true, batches);
    second.run();
    assertAllEqual();
    for (int t = 0; t < TASKS; t++) {
      assertEquals(StoreRestoreStats.Mode.FULL, statsOf(second, t).mode());
      assertEquals(retained[t], statsOf(second, t).records());
    }
  }

  @Test
  public void recordsAppendedAfterACleanStopAreReplayedAsADelta() throws Exception {
    int batches = 10;
    writeInput(batches, true);
    container("rocksdb", false, batches).run();
    SystemStreamPartition p0 = changelog.partition(0);
    String offsetAtStop = Long.toString(streams.getNextOffset(p0) - 1);
    // Someone else (e.g. the task on another host) wrote more after our clean stop.
    int extra = 1_000;
    for (int j = 0; j < extra; j++) {
      streams.append(
          p0,
          ("raw-" + j).getBytes(StandardCharsets.UTF_8),
          ("x" + j).getBytes(StandardCharsets.UTF_8));
    }
    streams.append(p0, "raw-0".getBytes(StandardCharsets.UTF_8), null);
    SamzaContainer second =
        new SamzaContainer(
            "0",
            containerModel,
            config("rocksdb", true),
            systems,
            m -> new DeltaCheckingTask(new StateTask(true, batches)),
            checkpoints);
    second.run();
    assertAllEqual();
    StoreRestoreStats s0 = statsOf(second, 0);
    assertEquals(StoreRestoreStats.Mode.DELTA, s0.mode());
    assertEquals(extra + 1, s0.records());
    assertEquals(Long.toString(Long.parseLong(offsetAtStop) + 1), s0.startOffset());
    assertEquals(StoreRestoreStats.Mode.NONE, statsOf(second, 1).mode());
    assertEquals(0, statsOf(second, 1).records());
  }

  /** Verifies like StateTask and additionally checks the appended raw records on task 0. */
  private final class DeltaCheckingTask implements InitableTask, StreamTask {
    final StateTask inner;

    DeltaCheckingTask(StateTask inner) {
      this.inner = inner;
    }

    @Override
    public void init(TaskContext context) {
      inner.init(context);
      if (context.getTaskModel().getTaskIndex() == 0) {
        KeyValueStore store = (KeyValueStore) context.getStore("state");
        List<String> bad = new ArrayList<>(mismatches.get(0));
        assertNullOr(
            bad,
            store.get("raw-0".getBytes(StandardCharsets.UTF_8)),
            "raw-0 was deleted by a tombstone");
        for (int j = 1; j < 1_000; j++) {
          byte[] v = store.get(("raw-" + j).getBytes(StandardCharsets.UTF_8));
          if (v == null || !new String(v, StandardCharsets.UTF_8).equals("x" + j)) {
            bad.add(
                "raw-" + j + " = " + (v == null ? null : new String(v, StandardCharsets.UTF_8)));
            break;
          }
        }
        mismatches.put(0, bad);
      }
    }

    @Override
    public void process(IncomingMessageEnvelope e, MessageCollector c, TaskCoordinator co) {}
  }

  private static void assertNullOr(List<String> bad, byte[] value, String what) {
    if (value != null) {
      bad.add(what + " but is still present");
    }
  }

  /** Deletes a directory tree (the test's stand-in for a lost host). */
  static final class TaskStorageManagerAccess {
    static void wipe(File dir) throws Exception {
      try (var paths = Files.walk(dir.toPath())) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      assertFalse(dir.exists());
    }
  }
}
