package org.beamsamza.runtime.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.config.StreamConfig;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.metrics.JobMetricsListener;
import org.beamsamza.runtime.metrics.MetricsConfig;
import org.beamsamza.runtime.metrics.MetricsReporter;
import org.beamsamza.runtime.storage.TaskStorageManager;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.StreamTaskFactory;
import org.beamsamza.runtime.task.TaskName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the tasks of one {@link ContainerModel} on the calling thread, with at-least-once delivery:
 * a task's checkpoint is written only after its {@code prepareCommit} and a flush of every
 * producer, and a restarted container resumes each task after its last checkpoint.
 *
 * <p>Lifecycle of {@link #run()}: create the tasks, init them, read their checkpoints, register
 * every input partition once with its system's consumer (a partition several tasks read, e.g. a
 * broadcast input, is registered at the earliest offset any of them needs and each task skips what
 * it already processed), then loop. The loop window()s every {@code task.window.ms} and commits
 * every {@code task.commit.ms} or when a task asks.
 *
 * <p>End of stream: when every input partition of a task has ended, the task gets {@code
 * onEndOfStream} if it is an {@code EndOfStreamListenerTask} and then decides when to call {@code
 * shutdown} (it keeps getting window() calls until then); any other task is finished at once, since
 * nothing can reach it any more.
 *
 * <p>Stopping: when every task has finished, the container commits one last time, closes the tasks,
 * stops its systems and returns. {@link #shutdown()} from another thread stops it soon without that
 * commit, so work since the last commit is replayed on restart. A failure anywhere stops the loop,
 * still closes tasks and stops systems, and is thrown from run() as a {@link ContainerException}
 * whose cause is the original failure.
 *
 * <p>Trimming: after a commit the container deletes committed messages of the partitions it was
 * told are trimmable (see {@link
 * org.beamsamza.runtime.job.JobModelPlanner#singleReaderPartitions}): it cannot see the rest of the
 * job, so it cannot know on its own whether another container still reads a partition. The system
 * decides which streams may really be trimmed (intermediate ones).
 *
 * <p>Tasks must use their collector and coordinator on the run-loop thread (inside the calls the
 * container makes), which is what lets the loop keep them free of locks.
 *
 * <p>The checkpoint manager is not started or stopped here: local containers share one, so its
 * owner manages it.
 */
public final class SamzaContainer {
  private static final Logger LOG = LoggerFactory.getLogger(SamzaContainer.class);
  public static final long DEFAULT_WINDOW_MS = 1000;
  public static final long DEFAULT_COMMIT_MS = 10_000;

  /** The source name the container's own metrics are reported under. */
  public static final String CONTAINER_SOURCE = "container";

  private final String containerId;
  private final ContainerModel model;
  private final Config config;
  private final Map<String, SystemFactory> systemFactories;
  private final StreamTaskFactory taskFactory;
  private final CheckpointManager checkpointManager;
  private final Set<SystemStreamPartition> trimmablePartitions;
  private final MessageChooser chooser;
  private final List<JobMetricsListener> jobListeners;
  private final ContainerMetrics metrics = new ContainerMetrics();
  private final AtomicBoolean ran = new AtomicBoolean();
  private volatile boolean shutdownRequested;

  /** Set by {@link #stopGracefully}: the stop commits first and closes the stores cleanly. */
  private volatile boolean commitOnStop;

  private volatile RunLoop loop;

  /**
   * Container {@code containerId} of {@code job}, as every deployment starts it: partitions that
   * exactly one task of the whole job reads are trimmed after its commits.
   */
  public static SamzaContainer ofJob(
      JobModel job,
      String containerId,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager) {
    return ofJob(job, containerId, config, systems, taskFactory, checkpointManager, List.of());
  }

  /**
   * As above; {@code jobListeners} outlive the container (a local job's status page): the container
   * registers its metrics with them as it starts.
   */
  public static SamzaContainer ofJob(
      JobModel job,
      String containerId,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager,
      List<JobMetricsListener> jobListeners) {
    ContainerModel model = job.getContainers().get(containerId);
    if (model == null) {
      throw new IllegalArgumentException(
          "No container "
              + containerId
              + " in the job model; it has "
              + job.getContainers().keySet());
    }
    return new SamzaContainer(
        containerId,
        model,
        config,
        systems,
        taskFactory,
        checkpointManager,
        JobModelPlanner.singleReaderPartitions(job),
        new RoundRobinChooser(),
        jobListeners);
  }

  /** A container that never deletes messages and chooses round robin. */
  public SamzaContainer(
      String containerId,
      ContainerModel model,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager) {
    this(
        containerId,
        model,
        config,
        systems,
        taskFactory,
        checkpointManager,
        Set.of(),
        new RoundRobinChooser(),
        List.of());
  }

  /**
   * @param trimmablePartitions input partitions no task outside this container reads, whose
   *     committed messages may be deleted after each commit
   * @param chooser this container's own chooser (not shared with another container)
   */
  public SamzaContainer(
      String containerId,
      ContainerModel model,
      Config config,
      Map<String, SystemFactory> systems,
      StreamTaskFactory taskFactory,
      CheckpointManager checkpointManager,
      Set<SystemStreamPartition> trimmablePartitions,
      MessageChooser chooser,
      List<JobMetricsListener> jobListeners) {
    this.containerId = Objects.requireNonNull(containerId, "containerId");
    this.model = Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.systemFactories = Map.copyOf(systems);
    this.taskFactory = Objects.requireNonNull(taskFactory, "taskFactory");
    this.checkpointManager = Objects.requireNonNull(checkpointManager, "checkpointManager");
    this.trimmablePartitions = Set.copyOf(trimmablePartitions);
    this.chooser = Objects.requireNonNull(chooser, "chooser");
    this.jobListeners = List.copyOf(jobListeners);
  }

  public String getContainerId() {
    return containerId;
  }

  public ContainerMetrics getMetrics() {
    return metrics;
  }

  /**
   * Whether {@link #run()} got as far as its run loop: tasks created and initialized, checkpoints
   * read, consumers started. A container that failed before that failed while starting.
   */
  public boolean reachedRunLoop() {
    return loop != null;
  }

  /**
   * Runs the container on the calling thread until all its tasks finish, {@link #shutdown()} is
   * called or the thread is interrupted (these return normally), or something fails (throws {@link
   * ContainerException}). A container runs once; restart with a new instance.
   */
  public void run() {
    if (!ran.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "Container " + containerId + " already ran; restart it as a new instance");
    }
    MDC.put(MDC_CONTAINER, containerId);
    try {
      runWithContext();
    } finally {
      MDC.remove(MDC_CONTAINER);
      MDC.remove(RunLoop.MDC_TASK);
    }
  }

  /**
   * SLF4J MDC keys every line logged on a container's thread carries: {@value #MDC_CONTAINER} the
   * container id, {@code task} the task being called (set by the run loop).
   */
  public static final String MDC_CONTAINER = "container";

  public static final String MDC_TASK = RunLoop.MDC_TASK;

  private void runWithContext() {
    LOG.info("Container {} starting tasks {}", containerId, model.getTasks().keySet());
    ContainerSystems systems = new ContainerSystems(containerId, config, systemFactories, metrics);
    List<TaskInstance> tasks = new ArrayList<>();
    Throwable failure = null;
    boolean interrupted = false;
    String outcome = "stopped on request";
    boolean clean = false;
    List<MetricsReporter> reporters = List.of();
    try {
      for (TaskModel m : model.getTasks().values()) {
        tasks.add(createTask(m, systems));
      }
      reporters = startReporters(tasks);
      StoreRestore.restoreSideBySide(containerId, tasks);
      ContainerInputs inputs =
          ContainerInputs.start(
              containerId,
              tasks,
              systems,
              checkpointManager,
              new StreamConfig(config),
              chooser,
              trimmablePartitions);
      RunLoop runLoop =
          new RunLoop(
              containerId,
              tasks,
              inputs.partitions,
              inputs.trimmable,
              inputs.chooser,
              systems,
              checkpointManager,
              config.getLong(Config.TASK_WINDOW_MS, DEFAULT_WINDOW_MS),
              config.getLong(Config.TASK_COMMIT_MS, DEFAULT_COMMIT_MS),
              metrics);
      initTasks(tasks, systems);
      systems.startConsumers();
      loop = runLoop;
      if (shutdownRequested) {
        runLoop.requestStop();
      }
      runLoop.start();
      if (runLoop.run()) {
        runLoop.commit();
        outcome = "finished";
        clean = true;
      } else if (commitOnStop) {
        runLoop.commit();
        outcome = "stopped gracefully after a final commit";
        clean = true;
      }
    } catch (InterruptedException e) {
      interrupted = true;
      outcome = "interrupted";
    } catch (Throwable t) {
      failure = t;
    }
    failure = closeTasks(tasks, failure, clean, systems);
    MDC.remove(MDC_TASK); // what follows is the container's, not a task's
    // Reporters stop (writing their last snapshot) before the systems, whose producers' own
    // metrics they still read.
    for (MetricsReporter r : reporters) {
      failure = ContainerSystems.attempt(r::stop, failure);
    }
    failure = systems.stop(failure);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      LOG.error("Container {} failed", containerId, failure);
      if (clean) {
        // Every task finished and the final commit is written: only closing failed.
        TaskName task = failure instanceof ContainerException ce ? ce.getTaskName() : null;
        throw new ContainerException(
            containerId,
            task,
            "Container "
                + containerId
                + " finished its work but failed while closing: "
                + failure.getMessage(),
            failure,
            true);
      }
      throw failure instanceof ContainerException ce
          ? ce
          : new ContainerException(
              containerId, null, "Container " + containerId + " failed: " + failure, failure);
    }
    LOG.info("Container {} {}: {}", containerId, outcome, metrics);
  }

  /**
   * Asks a running container to stop soon after a final commit (every message processed so far
   * counted in the checkpoint) and to close its stores cleanly, so that a later start on this host
   * reuses them instead of replaying their changelogs: what a process does when asked to stop
   * (SIGTERM), as a Samza container does. Callable from any thread.
   */
  public void stopGracefully() {
    commitOnStop = true;
    shutdown();
  }

  /** Asks a running container to stop soon, without a final commit. Callable from any thread. */
  public void shutdown() {
    shutdownRequested = true;
    RunLoop l = loop;
    if (l != null) {
      l.requestStop();
    }
  }

  /**
   * Registers the container's registry (source {@value #CONTAINER_SOURCE}) and each task's ({@code
   * task <name>}) with the configured reporters, which it starts, and with the job's listeners.
   */
  private List<MetricsReporter> startReporters(List<TaskInstance> tasks) {
    List<MetricsReporter> own = MetricsConfig.reporters(containerId, config, systemFactories);
    for (MetricsReporter r : own) {
      r.register(CONTAINER_SOURCE, metrics.getRegistry());
      for (TaskInstance t : tasks) {
        r.register(taskSource(t.name), t.metrics.registry);
      }
    }
    for (JobMetricsListener l : jobListeners) {
      l.register(containerId, CONTAINER_SOURCE, metrics.getRegistry());
      for (TaskInstance t : tasks) {
        l.register(containerId, taskSource(t.name), t.metrics.registry);
      }
    }
    List<MetricsReporter> started = new ArrayList<>();
    for (MetricsReporter r : own) {
      r.start();
      started.add(r);
    }
    return started;
  }

  /**
   * The source name a task's metrics are reported under: {@value #TASK_SOURCE_PREFIX}{@code
   * <name>}.
   */
  public static String taskSource(TaskName task) {
    return TASK_SOURCE_PREFIX + task;
  }

  public static final String TASK_SOURCE_PREFIX = "task ";

  private TaskInstance createTask(TaskModel m, ContainerSystems systems) {
    StreamTask task;
    try {
      task = taskFactory.createTask(m);
    } catch (Throwable e) {
      throw new ContainerException(
          containerId,
          m.getTaskName(),
          "Creating task " + m.getTaskName() + " in container " + containerId + " failed: " + e,
          e);
    }
    if (task == null) {
      throw new ContainerException(
          containerId,
          m.getTaskName(),
          "The task factory returned null for task " + m.getTaskName(),
          null);
    }
    return new TaskInstance(
        m, task, new TaskStorageManager(m, config, systems, metrics::addStoreRestore));
  }

  private void initTasks(List<TaskInstance> tasks, ContainerSystems systems) {
    for (TaskInstance t : tasks) {
      if (t.initable == null) {
        continue;
      }
      MDC.put(MDC_TASK, t.name.getName());
      try {
        t.initable.init(
            new ContainerTaskContext(
                t.model, config, containerId, systems, t.stores, t.metrics.registry));
      } catch (Throwable e) {
        throw new ContainerException(
            containerId,
            t.name,
            "Task " + t.name + " failed in init() in container " + containerId + ": " + e,
            e);
      }
    }
  }

  /**
   * Closes every task and then the stores, collecting failures instead of stopping at one. After a
   * clean finish (final commit done, nothing failed) the stores are flushed, then the producers (so
   * every changelog record is written), and only then stopped as clean, which lets persistent
   * logged stores record the changelog offset they are current to (see {@link TaskStorageManager}).
   */
  private Throwable closeTasks(
      List<TaskInstance> tasks, Throwable failure, boolean clean, ContainerSystems systems) {
    for (TaskInstance t : tasks) {
      if (t.closable != null) {
        MDC.put(MDC_TASK, t.name.getName());
        try {
          t.closable.close();
        } catch (Throwable e) {
          failure =
              addFailure(
                  failure,
                  new ContainerException(
                      containerId,
                      t.name,
                      "Task "
                          + t.name
                          + " failed in close() in container "
                          + containerId
                          + ": "
                          + e,
                      e));
        }
      }
    }
    boolean cleanStores = clean && failure == null;
    if (cleanStores && tasks.stream().anyMatch(t -> t.stores.hasLoggedStores())) {
      try {
        for (TaskInstance t : tasks) {
          t.stores.flush();
        }
        systems.flush();
      } catch (Throwable e) {
        cleanStores = false;
        failure =
            addFailure(
                failure,
                new ContainerException(
                    containerId,
                    null,
                    "Container "
                        + containerId
                        + ": flushing stores and producers at close failed: "
                        + e,
                    e));
      }
    }
    for (TaskInstance t : tasks) {
      Throwable storeFailure = t.stores.stop(cleanStores);
      if (storeFailure != null) {
        failure =
            addFailure(
                failure,
                new ContainerException(
                    containerId,
                    t.name,
                    "Task " + t.name + ": " + storeFailure.getMessage(),
                    storeFailure));
      }
    }
    return failure;
  }

  private static Throwable addFailure(Throwable failure, Throwable next) {
    if (failure == null) {
      return next;
    }
    failure.addSuppressed(next);
    return failure;
  }
}
