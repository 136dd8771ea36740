package org.beamsamza.runtime.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.TaskName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores of one task: opened (and restored) on first request, flushed at commit, stopped at
 * close. One per task; run-loop thread only.
 *
 * <p>Config: {@code stores.<name>.factory} names the {@link StorageEngineFactory} class; every
 * {@code stores.<name>.*} key reaches the factory with the prefix removed. Stores live under {@code
 * job.store.base.dir} (default: {@code <java.io.tmpdir>/beam-samza-stores}) in {@code <name>/<task
 * name>}.
 *
 * <p>Logged stores: {@code stores.<name>.changelog=<system>.<streamPrefix>} logs every write to
 * partition {@link TaskModel#getTaskIndex()} of stream {@code <streamPrefix>-<stageId>}, which has
 * one partition per task of the stage and {@code cleanup.policy=compact}; the manager creates it if
 * missing. On open, before the task sees the store, the manager replays that partition (up to its
 * newest offset as of open time, through a consumer of its own) into the store:
 *
 * <ul>
 *   <li>A store that {@link StorageEngine#persistsAcrossRestarts() persists} and whose directory
 *       holds an {@value #OFFSET_FILE} file (written at the last clean stop) is current up to that
 *       offset: the file is deleted first (from now on the store is written, so it is no longer
 *       provably current) and only later records are replayed (none if it names the newest).
 *   <li>A directory without that file (crash, shutdown request, failure) or with an unusable one
 *       (unparseable, or ahead of the changelog) is wiped and the whole partition is replayed.
 *   <li>A store that does not persist (in-memory) always replays the whole partition.
 * </ul>
 *
 * At a clean stop ({@link #stop(boolean) stop(true)}: the container finished normally, after its
 * final commit, and flushed the stores and its producers), each persistent logged store is closed
 * and then gets an {@value #OFFSET_FILE} file holding the newest changelog offset. Each restore is
 * logged at INFO and reported as {@link StoreRestoreStats}.
 *
 * <p>A restore ends only once it has read the newest offset, or its consumer's position is past it
 * (the newest record was compacted away or is never delivered, e.g. a Kafka transaction marker); it
 * never takes a quiet consumer for the end. {@code stores.<name>.changelog.restore.stall.ms}
 * (default {@value #DEFAULT_RESTORE_STALL_MS}) is how long it waits without any progress (no
 * record, no move of the consumer's position) before failing, naming store, task, changelog
 * partition and the offsets reached and expected. The former {@code changelog.restore.idle.ms} is
 * ignored (with a warning).
 */
public final class TaskStorageManager {
  private static final Logger LOG = LoggerFactory.getLogger(TaskStorageManager.class);
  public static final String STORE_BASE_DIR = "job.store.base.dir";
  public static final String STORES_PREFIX = "stores.";

  /**
   * Store key (after {@code stores.<name>.}) naming the changelog: {@code <system>.<streamPrefix>}.
   */
  public static final String CHANGELOG = "changelog";

  /**
   * Store key (after {@code stores.<name>.}): how long a restore may go without progress before it
   * fails.
   */
  public static final String RESTORE_STALL_MS = "changelog.restore.stall.ms";

  public static final long DEFAULT_RESTORE_STALL_MS = 300_000;

  /** No longer used: a restore never ends on silence. Warned about when set. */
  static final String FORMER_RESTORE_IDLE_MS = "changelog.restore.idle.ms";

  /** File in a store's directory naming the changelog offset the store is current to. */
  public static final String OFFSET_FILE = "OFFSET";

  private final TaskModel model;
  private final TaskName taskName;
  private final Config config;
  private final StoreSystems systems;
  private final Consumer<StoreRestoreStats> restoreListener;
  private final Map<String, OpenStore> stores = new LinkedHashMap<>();

  /** A manager without systems: its stores cannot be logged. */
  public TaskStorageManager(TaskName taskName, Config config) {
    this(new TaskModel(taskName, "unknown", 0, java.util.Set.of()), config, null, s -> {});
  }

  /**
   * @param systems the container's systems, for changelogs; {@code null} if no store is logged
   * @param restoreListener told about every restore (on the run-loop thread)
   */
  public TaskStorageManager(
      TaskModel model,
      Config config,
      StoreSystems systems,
      Consumer<StoreRestoreStats> restoreListener) {
    this.model = Objects.requireNonNull(model, "model");
    this.taskName = model.getTaskName();
    this.config = Objects.requireNonNull(config, "config");
    this.systems = systems;
    this.restoreListener = Objects.requireNonNull(restoreListener, "restoreListener");
  }

  /** The store named {@code name}, opened (and restored) on the first call. */
  public Object getStore(String name) {
    OpenStore store = stores.get(name);
    if (store == null) {
      store = open(name);
      stores.put(name, store);
    }
    return store.engine.getStore();
  }

  /**
   * Opens, and so restores, every logged store whose changelog partition holds data, so that a
   * container can restore its tasks' stores side by side before its run loop starts (see {@code
   * SamzaContainer}); stores with nothing to restore stay unopened until asked for. Returns how
   * many it opened.
   */
  public int restoreStoresWithChangelogData() {
    int opened = 0;
    for (String name : configuredStoreNames()) {
      if (!stores.containsKey(name) && changelogHasData(name)) {
        getStore(name);
        opened++;
      }
    }
    return opened;
  }

  private java.util.List<String> configuredStoreNames() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String key : config.asMap().keySet()) {
      if (key.startsWith(STORES_PREFIX) && key.endsWith(".factory")) {
        names.add(key.substring(STORES_PREFIX.length(), key.length() - ".factory".length()));
      }
    }
    java.util.Collections.sort(names);
    return names;
  }

  /** Whether the store's changelog partition exists and holds a record; false when unsure. */
  private boolean changelogHasData(String name) {
    String spec = config.get(STORES_PREFIX + name + "." + CHANGELOG);
    int dot = spec == null ? -1 : spec.indexOf('.');
    if (dot <= 0 || systems == null || model.getStageTaskCount() < 1) {
      return false; // not logged, or misconfigured: opening it on first use reports that
    }
    SystemStreamPartition ssp = changelogStream(spec, dot).partition(model.getTaskIndex());
    try {
      SystemAdmin admin = systems.admin(ssp.getSystem());
      // Asked first so that a changelog not created yet is not looked up by partition (Kafka's
      // client logs an error for each such lookup before it fails).
      return admin.getPartitionCount(ssp.getSystemStream()) > ssp.getPartition()
          && admin.getNewestOffset(ssp) != null;
    } catch (RuntimeException e) {
      return false; // e.g. the changelog does not exist yet: nothing to restore
    }
  }

  /** Whether some open store writes a changelog. */
  public boolean hasLoggedStores() {
    for (OpenStore s : stores.values()) {
      if (s.changelog != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Flushes every open store; the commit calls this before flushing producers. Then reads each
   * store's {@link StorageEngine#metrics} for {@link #storeMetrics}.
   */
  public void flush() {
    Map<String, Map<String, Long>> metrics = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, OpenStore> e : stores.entrySet()) {
      e.getValue().engine.flush();
      metrics.put(e.getKey(), e.getValue().engine.metrics());
    }
    storeMetrics = metrics;
  }

  private volatile Map<String, Map<String, Long>> storeMetrics = Map.of();

  /** The changelog being replayed now, if any: its progress is a metric while the task waits. */
  private volatile ChangelogReader restoring;

  /**
   * Changelog records the restore running now has replayed so far (a reporter's thread may read it
   * while the task waits for its stores), or null when no restore runs.
   */
  public Long restoringRecords() {
    ChangelogReader r = restoring;
    return r == null ? null : r.records();
  }

  /**
   * Each open store's counts and sizes as of the last flush, by store name: readable from any
   * thread (a metrics reporter's), while the stores themselves are the run loop's alone.
   */
  public Map<String, Map<String, Long>> storeMetrics() {
    return storeMetrics;
  }

  /** {@link #stop(boolean) stop(false)}: not provably clean, so no {@value #OFFSET_FILE} file. */
  public Throwable stop() {
    return stop(false);
  }

  /**
   * Stops every open store; returns the first failure (others suppressed) or {@code null}. With
   * {@code clean}, the caller promises that the stores were flushed and the changelog records sent
   * were flushed by the producers after that: each persistent logged store that stops without
   * failure then records its changelog offset in its {@value #OFFSET_FILE} file.
   */
  public Throwable stop(boolean clean) {
    Throwable failure = null;
    for (Map.Entry<String, OpenStore> e : stores.entrySet()) {
      OpenStore s = e.getValue();
      try {
        s.engine.stop();
        if (clean && s.changelog != null && s.engine.persistsAcrossRestarts()) {
          String newest = s.admin.getNewestOffset(s.changelog);
          if (newest != null) {
            writeOffsetFile(s.dir, newest);
          }
        }
      } catch (Throwable t) {
        RuntimeException wrapped =
            new RuntimeException(
                "Stopping store " + e.getKey() + " of task " + taskName + " failed: " + t, t);
        if (failure == null) {
          failure = wrapped;
        } else {
          failure.addSuppressed(wrapped);
        }
      }
    }
    stores.clear();
    return failure;
  }

  private OpenStore open(String name) {
    String prefix = STORES_PREFIX + name + ".";
    String factoryClass = config.get(prefix + "factory");
    if (factoryClass == null) {
      throw new IllegalArgumentException(
          "Task "
              + taskName
              + " asked for store '"
              + name
              + "', but the config has no "
              + prefix
              + "factory");
    }
    StorageEngineFactory factory;
    try {
      factory =
          (StorageEngineFactory) Class.forName(factoryClass).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          "Config "
              + prefix
              + "factory="
              + factoryClass
              + " is not a loadable StorageEngineFactory: "
              + e,
          e);
    }
    Map<String, String> storeConfigMap = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        storeConfigMap.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    Config storeConfig = new Config(storeConfigMap);
    File base =
        new File(
            config.get(
                STORE_BASE_DIR,
                new File(System.getProperty("java.io.tmpdir"), "beam-samza-stores").getPath()));
    File dir =
        new File(new File(base, name), taskName.toString().replaceAll("[^A-Za-z0-9._-]", "_"));
    String changelogSpec = storeConfig.get(CHANGELOG);
    if (changelogSpec == null) {
      return new OpenStore(
          factory.getStorageEngine(new StoreContext(name, taskName, dir, storeConfig, null, null)),
          dir,
          null,
          null);
    }
    return openLogged(name, prefix, factory, storeConfig, dir, changelogSpec);
  }

  private OpenStore openLogged(
      String name,
      String prefix,
      StorageEngineFactory factory,
      Config storeConfig,
      File dir,
      String changelogSpec) {
    String key = prefix + CHANGELOG;
    int dot = changelogSpec.indexOf('.');
    if (dot <= 0
        || dot == changelogSpec.length() - 1
        || !changelogSpec.equals(changelogSpec.trim())) {
      throw new IllegalArgumentException(
          "Store '"
              + name
              + "' of task "
              + taskName
              + ": config "
              + key
              + "='"
              + changelogSpec
              + "' is not of the form <system>.<streamPrefix>");
    }
    if (systems == null) {
      throw new IllegalStateException(
          "Store '"
              + name
              + "' of task "
              + taskName
              + " is logged ("
              + key
              + "), but this storage manager was made without systems");
    }
    if (model.getStageTaskCount() < 1) {
      throw new IllegalStateException(
          "Store '"
              + name
              + "' of task "
              + taskName
              + " is logged ("
              + key
              + "), but the task model does not know its stage's task count (plan it with JobModelPlanner)");
    }
    String system = changelogSpec.substring(0, dot);
    SystemStream stream = changelogStream(changelogSpec, dot);
    SystemStreamPartition ssp = stream.partition(model.getTaskIndex());
    SystemAdmin admin;
    try {
      admin = systems.admin(system);
      admin.createStream(
          new StreamSpec(
              stream, model.getStageTaskCount(), false, Map.of("cleanup.policy", "compact")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Store '"
              + name
              + "' of task "
              + taskName
              + ": cannot use changelog "
              + stream
              + " from config "
              + key
              + "='"
              + changelogSpec
              + "': "
              + e.getMessage(),
          e);
    }
    String newest = admin.getNewestOffset(ssp);

    // The OFFSET file is read and deleted before anything touches the store: from here on the
    // store may be written, so it is no longer provably current to any offset.
    String localOffset = takeOffsetFile(dir);
    if (localOffset != null && !usableOffset(admin, localOffset, newest)) {
      LOG.warn(
          "Store {} of task {}: {} file says {} but the newest offset of {} is {}; restoring from scratch",
          name,
          taskName,
          OFFSET_FILE,
          localOffset,
          ssp,
          newest);
      localOffset = null;
    }
    if (localOffset == null && dir.exists()) {
      deleteRecursively(dir.toPath());
    }

    MessageCollector collector = systems.changelogCollector();
    StorageEngine engine =
        factory.getStorageEngine(
            new StoreContext(name, taskName, dir, storeConfig, collector, ssp));
    try {
      StoreRestoreStats.Mode mode;
      String start;
      if (localOffset != null && engine.persistsAcrossRestarts()) {
        boolean current = admin.offsetComparator().compare(localOffset, newest) >= 0;
        mode = current ? StoreRestoreStats.Mode.NONE : StoreRestoreStats.Mode.DELTA;
        start = current ? null : admin.getOffsetAfter(ssp, localOffset);
      } else {
        mode = StoreRestoreStats.Mode.FULL;
        start = newest == null ? null : admin.getOldestOffset(ssp);
      }
      long t0 = System.nanoTime();
      long records = 0;
      long bytes = 0;
      if (newest != null && (mode != StoreRestoreStats.Mode.NONE)) {
        if (storeConfig.get(FORMER_RESTORE_IDLE_MS) != null) {
          LOG.warn(
              "Store {} of task {}: config {}{} is no longer used and is ignored: a restore reads"
                  + " up to the newest offset however long it takes, and fails after {}{} without"
                  + " progress",
              name,
              taskName,
              prefix,
              FORMER_RESTORE_IDLE_MS,
              prefix,
              RESTORE_STALL_MS);
        }
        try (ChangelogReader reader =
            new ChangelogReader(
                systems.newConsumer(system),
                ssp,
                name,
                taskName,
                start,
                newest,
                admin.offsetComparator(),
                storeConfig.getLong(RESTORE_STALL_MS, DEFAULT_RESTORE_STALL_MS),
                prefix + RESTORE_STALL_MS)) {
          restoring = reader;
          try {
            engine.restore(reader);
          } finally {
            restoring = null;
          }
          records = reader.records();
          bytes = reader.bytes();
        }
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      StoreRestoreStats stats =
          new StoreRestoreStats(name, taskName, ssp, mode, start, newest, records, bytes, millis);
      LOG.info(
          "Restored store {} of task {} from {} ({}, offsets {}..{}): {} records, {} bytes in {} ms ({} MB/s)",
          name,
          taskName,
          ssp,
          mode,
          start,
          newest,
          records,
          bytes,
          millis,
          String.format("%.1f", stats.megabytesPerSecond()));
      restoreListener.accept(stats);
    } catch (RuntimeException | Error e) {
      try {
        engine.stop();
      } catch (Throwable t) {
        e.addSuppressed(t);
      }
      throw new IllegalStateException(
          "Restoring store '" + name + "' of task " + taskName + " from " + ssp + " failed: " + e,
          e);
    }
    return new OpenStore(engine, dir, ssp, admin);
  }

  /** {@code <system>.<streamPrefix>} names the stream {@code <streamPrefix>-<stageId>}. */
  private SystemStream changelogStream(String changelogSpec, int dot) {
    return new SystemStream(
        changelogSpec.substring(0, dot),
        changelogSpec.substring(dot + 1) + "-" + model.getStageId());
  }

  private static boolean usableOffset(SystemAdmin admin, String offset, String newest) {
    try {
      return newest != null && admin.offsetComparator().compare(offset, newest) <= 0;
    } catch (RuntimeException e) {
      return false; // not an offset of this system
    }
  }

  /**
   * Reads and deletes the {@value #OFFSET_FILE} file of a store directory; {@code null} if there is
   * none or it is empty.
   */
  static String takeOffsetFile(File storeDir) {
    Path file = storeDir.toPath().resolve(OFFSET_FILE);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      String offset = Files.readString(file, StandardCharsets.UTF_8).trim();
      Files.delete(file);
      return offset.isEmpty() ? null : offset;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read and delete " + file, e);
    }
  }

  /** Writes the {@value #OFFSET_FILE} file atomically (temporary file, then rename). */
  static void writeOffsetFile(File storeDir, String offset) {
    Path dir = storeDir.toPath();
    Path tmp = dir.resolve(OFFSET_FILE + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.writeString(tmp, offset, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp,
            dir.resolve(OFFSET_FILE),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(OFFSET_FILE), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + dir.resolve(OFFSET_FILE), e);
    }
  }

  static void deleteRecursively(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot wipe store directory " + root, e);
    }
  }

  private record OpenStore(
      StorageEngine engine, File dir, SystemStreamPartition changelog, SystemAdmin admin) {}
}
