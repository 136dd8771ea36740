package org.beamsamza.runtime.container;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.storage.StorageEngine;
import org.beamsamza.runtime.storage.StorageEngineFactory;
import org.beamsamza.runtime.storage.StoreContext;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.InitableTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskContext;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A container restores its tasks' stores side by side, before any task is initialized. */
public class StoreRestoreTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  static final Map<String, String> RESTORE_THREADS = new ConcurrentHashMap<>();
  static final Map<String, String> RESTORING_SEEN = new ConcurrentHashMap<>();
  static final String CONTAINER = "restore-" + System.nanoTime();

  /** Every restore waits until both tasks with data are restoring: only side by side gets past. */
  static volatile CountDownLatch bothRestoring;

  /** A store that only records its restore. */
  public static final class RecordingEngineFactory implements StorageEngineFactory {
    @Override
    public StorageEngine getStorageEngine(StoreContext context) {
      String task = context.taskName().toString();
      return new StorageEngine() {
        @Override
        public Object getStore() {
          return this;
        }

        @Override
        public void restore(Iterator<IncomingMessageEnvelope> records) {
          int n = 0;
          while (records.hasNext()) {
            records.next();
            n++;
          }
          RESTORE_THREADS.put(task, Thread.currentThread().getName());
          // What a reporter reads of the task while this restore still runs.
          Object restoring =
              ContainerMetricsTest.CAPTURED
                  .get(CONTAINER + "/task " + task)
                  .values()
                  .get("task")
                  .get("store-restoring-records");
          RESTORING_SEEN.put(task, String.valueOf(restoring));
          bothRestoring.countDown();
          try {
            assertTrue(
                "the other task's restore did not start alongside (restores ran one by one)",
                bothRestoring.await(60, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          EVENTS.add("restored " + task + " " + n);
        }

        @Override
        public boolean persistsAcrossRestarts() {
          return false;
        }

        @Override
        public void flush() {}

        @Override
        public void stop() {}
      };
    }
  }

  @Test
  public void storesWithChangelogDataAreRestoredSideBySideBeforeInit() throws Exception {
    EVENTS.clear();
    RESTORE_THREADS.clear();
    RESTORING_SEEN.clear();
    bothRestoring = new CountDownLatch(2);
    InMemoryStreams streams = new InMemoryStreams();
    SystemStream in = new SystemStream("mem", "in");
    streams.createStream(new StreamSpec(in, 3, false, Map.of()));
    streams.seal(in);
    SystemStream changelog = new SystemStream("mem", "cl-S");
    streams.createStream(new StreamSpec(changelog, 3, false, Map.of("cleanup.policy", "compact")));
    for (int i = 0; i < 5; i++) {
      byte[] k = ("k" + i).getBytes(StandardCharsets.UTF_8);
      streams.append(changelog.partition(0), k, k);
      streams.append(changelog.partition(1), k, k);
    } // partition 2 (task S-2) stays empty: nothing to restore

    Map<TaskName, TaskModel> tasks = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      TaskModel m = new TaskModel(new TaskName("S-" + i), "S", i, 3, Set.of(in.partition(i)));
      tasks.put(m.getTaskName(), m);
    }
    Map<String, String> config = new LinkedHashMap<>();
    config.put(TaskStorageManager.STORE_BASE_DIR, tmp.getRoot().getPath());
    config.put("stores.s.factory", RecordingEngineFactory.class.getName());
    config.put("stores.s.changelog", "mem.cl");
    config.put(org.beamsamza.runtime.metrics.MetricsConfig.REPORTERS, "capture");
    config.put(
        org.beamsamza.runtime.metrics.MetricsConfig.reporterKey("capture", "class"),
        ContainerMetricsTest.Capturing.class.getName());

    class InitTask implements StreamTask, InitableTask {
      @Override
      public void init(TaskContext context) {
        EVENTS.add("init " + context.getTaskModel().getTaskName());
      }

      @Override
      public void process(
          IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator c) {}
    }
    new SamzaContainer(
            CONTAINER,
            new ContainerModel(CONTAINER, tasks),
            new Config(config),
            Map.of("mem", new InMemorySystemFactory(streams)),
            m -> new InitTask(),
            new InMemoryCheckpointManager())
        .run();

    assertEquals(
        List.of("restored S-0 5", "restored S-1 5"),
        EVENTS.subList(0, 2).stream().sorted().toList());
    assertEquals(
        "then every init, and no restore of the task without changelog data: " + EVENTS,
        Set.of("init S-0", "init S-1", "init S-2"),
        Set.copyOf(EVENTS.subList(2, EVENTS.size())));
    assertThat(RESTORE_THREADS.get("S-0"), startsWith("restore-" + CONTAINER + "-"));
    assertThat(RESTORE_THREADS.get("S-1"), startsWith("restore-" + CONTAINER + "-"));
    assertFalse(RESTORE_THREADS.containsKey("S-2"));
    assertEquals(
        "a running restore's progress, as reporters see it",
        Map.of("S-0", "5", "S-1", "5"),
        RESTORING_SEEN);
    assertEquals(
        "no restore runs any more",
        null,
        ContainerMetricsTest.CAPTURED
            .get(CONTAINER + "/task S-0")
            .values()
            .get("task")
            .get("store-restoring-records"));
  }
}
