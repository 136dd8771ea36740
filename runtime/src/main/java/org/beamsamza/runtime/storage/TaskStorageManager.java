package org.beamsamza.runtime.storage;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.task.TaskName;

/**
 * The stores of one task: opened on first request, flushed at commit, stopped at close. One per
 * task; run-loop thread only.
 *
 * <p>Config: {@code stores.<name>.factory} names the {@link StorageEngineFactory} class; every
 * {@code stores.<name>.*} key reaches the factory with the prefix removed. Stores live under
 * {@code job.store.base.dir} (default: {@code <java.io.tmpdir>/beam-samza-stores}) in
 * {@code <name>/<task name>}.
 */
public final class TaskStorageManager {
  public static final String STORE_BASE_DIR = "job.store.base.dir";
  public static final String STORES_PREFIX = "stores.";

  private final TaskName taskName;
  private final Config config;
  private final Map<String, StorageEngine> engines = new LinkedHashMap<>();

  public TaskStorageManager(TaskName taskName, Config config) {
    this.taskName = Objects.requireNonNull(taskName, "taskName");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The store named {@code name}, opened (and restored) on the first call. */
  public Object getStore(String name) {
    StorageEngine engine = engines.get(name);
    if (engine == null) {
      engine = open(name);
      engines.put(name, engine);
    }
    return engine.getStore();
  }

  /** Flushes every open store; the commit calls this before flushing producers. */
  public void flush() {
    for (StorageEngine e : engines.values()) {
      e.flush();
    }
  }

  /** Stops every open store; returns the first failure (others suppressed) or {@code null}. */
  public Throwable stop() {
    Throwable failure = null;
    for (Map.Entry<String, StorageEngine> e : engines.entrySet()) {
      try {
        e.getValue().stop();
      } catch (Throwable t) {
        RuntimeException wrapped = new RuntimeException(
            "Stopping store " + e.getKey() + " of task " + taskName + " failed: " + t, t);
        if (failure == null) {
          failure = wrapped;
        } else {
          failure.addSuppressed(wrapped);
        }
      }
    }
    engines.clear();
    return failure;
  }

  private StorageEngine open(String name) {
    String prefix = STORES_PREFIX + name + ".";
    String factoryClass = config.get(prefix + "factory");
    if (factoryClass == null) {
      throw new IllegalArgumentException("Task " + taskName + " asked for store '" + name
          + "', but the config has no " + prefix + "factory");
    }
    StorageEngineFactory factory;
    try {
      factory = (StorageEngineFactory) Class.forName(factoryClass).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException("Config " + prefix + "factory=" + factoryClass
          + " is not a loadable StorageEngineFactory: " + e, e);
    }
    Map<String, String> storeConfig = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        storeConfig.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    File base = new File(config.get(STORE_BASE_DIR,
        new File(System.getProperty("java.io.tmpdir"), "beam-samza-stores").getPath()));
    File dir = new File(new File(base, name), taskName.toString().replaceAll("[^A-Za-z0-9._-]", "_"));
    return factory.getStorageEngine(
        new StoreContext(name, taskName, dir, new Config(storeConfig), null, null));
  }
}
