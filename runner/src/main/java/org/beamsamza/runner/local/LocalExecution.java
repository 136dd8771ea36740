package org.beamsamza.runner.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.metrics.MetricsPushing;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.config.StreamConfig;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.StageSpec;
import org.beamsamza.runtime.local.JobHandle;
import org.beamsamza.runtime.local.LocalJobRunner;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.state.beam.ManualProcessingClock;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.translation.metrics.JobMetrics;
import org.beamsamza.translation.plan.BroadcastInputSpec;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.ExternalSystemSpec;
import org.beamsamza.translation.plan.KeyedInputSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.plan.StreamDef;
import org.beamsamza.translation.source.BoundedSourceSystem;
import org.beamsamza.translation.source.TestStreamSystem;
import org.beamsamza.translation.source.UnboundedSourceSystem;
import org.beamsamza.translation.task.StageTask;
import org.beamsamza.translation.task.StageTaskFactory;
import org.joda.time.Instant;

/**
 * Runs a plan in this JVM: sources read in process, containers as threads, intermediate streams and
 * checkpoints on the system {@code --system} chooses ({@link JobStreams}): in memory by default
 * (nothing to install), or topics on a Kafka cluster.
 */
public final class LocalExecution {
  public static final String SOURCE_SYSTEM = "beam-source";
  public static final String UNBOUNDED_SOURCE_SYSTEM = "beam-unbounded-source";

  /** The in-memory system's name (see {@link JobStreams} for the system a job's streams use). */
  public static final String STREAM_SYSTEM = JobStreams.INMEMORY;

  public static final String TEST_STREAM_SYSTEM = "beam-test-stream";

  private static final StageTask.Systems SYSTEMS =
      new StageTask.Systems(
          SOURCE_SYSTEM, UNBOUNDED_SOURCE_SYSTEM, STREAM_SYSTEM, TEST_STREAM_SYSTEM);

  private LocalExecution() {}

  /**
   * What outlives one run of a job in this JVM: its streams (inputs, repartition and changelog
   * streams) and its checkpoints. A second {@link #start} with the same environment (and the same
   * {@code --storeBaseDir}) resumes the job as a restarted Samza job would: each task restores its
   * stores from their changelogs and reads on from its last checkpoint.
   */
  public record Environment(InMemoryStreams streams, CheckpointManager checkpoints) {
    public static Environment fresh() {
      return new Environment(new InMemoryStreams(), new InMemoryCheckpointManager());
    }
  }

  public static SamzaPipelineResult start(
      ExecutionPlan plan, byte[] serializedPlan, SamzaPipelineOptions options, JobMetrics metrics) {
    return start(plan, serializedPlan, options, metrics, Environment.fresh());
  }

  public static SamzaPipelineResult start(
      ExecutionPlan plan,
      byte[] serializedPlan,
      SamzaPipelineOptions options,
      JobMetrics metrics,
      Environment environment) {
    JobStreams streams = JobStreams.forOptions(options, plan.jobName(), environment);
    streams.createStreams(plan.streams());
    StageTask.Systems systemNames = systemNames(streams);
    Map<String, SystemFactory> systems = new HashMap<>();
    systems.put(streams.system(), streams.factory());
    systems.put(
        SOURCE_SYSTEM,
        new BoundedSourceSystem(
            plan.sources(), plan.options().get(), metrics.shared()::getContainer));
    systems.put(
        UNBOUNDED_SOURCE_SYSTEM,
        new UnboundedSourceSystem(
            plan.unboundedSources(), plan.options().get(), metrics.shared()::getContainer));
    // A TestStream scripts processing time: every task reads one manual clock, and the TestStream
    // releases each event once the job is quiescent, which only a container that runs every task
    // can tell (TestStreamSystem); so such a job runs in one container, at the parallelism asked.
    boolean testStream = !plan.testStreams().isEmpty();
    ManualProcessingClock testClock = testStream ? new ManualProcessingClock(Instant.now()) : null;
    if (testStream) {
      systems.put(TEST_STREAM_SYSTEM, new TestStreamSystem(plan.testStreams(), testClock));
    }

    // A pipeline with no transform has no stage: a job of no containers, finished at once.
    JobModel jobModel =
        plan.stages().isEmpty()
            ? new JobModel(Map.of())
            : JobModelPlanner.plan(
                stageSpecs(plan, systemNames), testStream ? 1 : options.getContainers());
    StoreDirectory storeDir = StoreDirectory.open(options.getStoreBaseDir());
    Map<String, String> values = new HashMap<>(streams.config());
    plan.externalSystems()
        .forEach(
            (name, spec) -> {
              systems.put(name, externalSystemFactory(name, spec));
              spec.config().forEach((k, v) -> values.put("systems." + name + "." + k, v));
            });
    values.put(Config.TASK_WINDOW_MS, Long.toString(options.getWindowMs()));
    values.put(Config.TASK_COMMIT_MS, Long.toString(options.getCommitMs()));
    values.putAll(
        StateStoreConfig.forOptions(
            options, storeDir.path(), storeDir.isTemporary(), streams.changelogSpec()));
    values.putAll(broadcastStreamSettings(plan, systemNames));
    if (options.getConfigOverride() != null) {
      values.putAll(options.getConfigOverride());
    }
    Config config = new Config(values);
    StageTaskFactory tasks =
        new StageTaskFactory(
            serializedPlan,
            metrics,
            systemNames,
            options.getBundleSize(),
            testStream ? testClock : ProcessingClock.SYSTEM);
    Duration grace = Duration.ofMillis(options.getCancelGraceMs());
    ExitCleanup exitCleanup = new ExitCleanup(storeDir, grace);
    MetricsPushing pushing;
    try {
      pushing = MetricsPushing.startIfConfigured(options, metrics);
    } catch (RuntimeException e) {
      storeDir.close();
      throw e;
    }
    Runnable afterStop =
        () -> {
          try {
            if (pushing != null) {
              pushing.stopAndPushFinal();
            }
          } finally {
            exitCleanup.jobStopped();
          }
        };
    JobHandle job;
    try {
      job =
          LocalJobRunner.start(
              jobModel,
              config,
              systems,
              tasks,
              streams.checkpoints(),
              afterStop,
              grace,
              ContainerRestarts.forJob(options, plan));
    } catch (RuntimeException | Error e) {
      if (pushing != null) {
        pushing.stopAndPushFinal();
      }
      storeDir.close();
      throw e;
    }
    exitCleanup.register(job);
    return new SamzaPipelineResult(job, metrics);
  }

  /**
   * Releases the job's store directory (deleting it if temporary) once its containers have stopped,
   * or, if the JVM exits first (SIGTERM, {@code System.exit}), from a shutdown hook that kills the
   * job and waits up to the cancel grace period for its containers to close their stores.
   */
  private static final class ExitCleanup {
    private final StoreDirectory storeDir;
    private final Duration grace;
    private final Thread hook;
    private volatile JobHandle job;

    ExitCleanup(StoreDirectory storeDir, Duration grace) {
      this.storeDir = storeDir;
      this.grace = grace;
      this.hook = new Thread(this::onJvmExit, "beam-samza-exit-cleanup");
    }

    void register(JobHandle job) {
      this.job = job;
      if (job.getStatus().isTerminal()) {
        return;
      }
      try {
        Runtime.getRuntime().addShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        onJvmExit();
        return;
      }
      if (job.getStatus().isTerminal()) {
        removeHook();
      }
    }

    void jobStopped() {
      storeDir.close();
      if (Thread.currentThread() != hook) {
        removeHook();
      }
    }

    private void removeHook() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting: the hook is running or will run, and finds the directory closed.
      }
    }

    private void onJvmExit() {
      JobHandle j = job;
      if (j != null && !j.getStatus().isTerminal()) {
        j.kill();
        try {
          j.waitForFinish(grace);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      storeDir.close();
    }
  }

  /**
   * A side input's contents and watermark are rebuilt on the heap of each task from its broadcast
   * stream, so that stream is read whole at every start, checkpoint or not (a restarted task would
   * otherwise resume past side data it no longer has), before the main input (bootstrap: the main
   * input's elements then find their side-input windows ready instead of being pushed back), and
   * ahead of it whenever both have messages.
   */
  static Map<String, String> broadcastStreamSettings(
      ExecutionPlan plan, StageTask.Systems systemNames) {
    Map<String, String> settings = new HashMap<>();
    for (StreamDef stream : plan.streams()) {
      if (stream.broadcast()) {
        SystemStream s = systemNames.intermediate(stream.name());
        settings.put(StreamConfig.key(s, StreamConfig.RESET_OFFSET), "true");
        settings.put(StreamConfig.key(s, StreamConfig.OFFSET_DEFAULT), "oldest");
        settings.put(StreamConfig.key(s, StreamConfig.BOOTSTRAP), "true");
        settings.put(StreamConfig.key(s, StreamConfig.PRIORITY), "1");
      }
    }
    return settings;
  }

  /**
   * The factory of a system that external inputs are read from (e.g. a native KafkaIO read's
   * cluster): named by class in the plan, so this module needs no knowledge of what reads it.
   */
  static SystemFactory externalSystemFactory(String name, ExternalSystemSpec spec) {
    try {
      return (SystemFactory)
          Class.forName(spec.factoryClass(), true, LocalExecution.class.getClassLoader())
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "System "
              + name
              + ": cannot create its factory "
              + spec.factoryClass()
              + " (a SystemFactory with a public no-argument constructor): "
              + e,
          e);
    }
  }

  private static StageTask.Systems systemNames(JobStreams streams) {
    return streams.streamPrefix().isEmpty() && streams.system().equals(STREAM_SYSTEM)
        ? SYSTEMS
        : new StageTask.Systems(
            SOURCE_SYSTEM,
            UNBOUNDED_SOURCE_SYSTEM,
            streams.system(),
            TEST_STREAM_SYSTEM,
            streams.streamPrefix());
  }

  /** As {@link #stageSpecs(ExecutionPlan, StageTask.Systems)} on the in-memory system. */
  public static List<StageSpec> stageSpecs(ExecutionPlan plan) {
    return stageSpecs(plan, SYSTEMS);
  }

  /** What the job planner needs of each stage: its partitioned and broadcast inputs. */
  public static List<StageSpec> stageSpecs(ExecutionPlan plan, StageTask.Systems systems) {
    List<StageSpec> specs = new ArrayList<>();
    for (StagePlan stage : plan.stages()) {
      Map<SystemStream, Integer> partitioned = new java.util.LinkedHashMap<>();
      for (SourceInputSpec source : stage.sourceInputs()) {
        partitioned.put(
            new SystemStream(systems.of(source), source.stream()), source.partitionCount());
      }
      for (KeyedInputSpec keyed : stage.keyedInputs()) {
        partitioned.put(systems.intermediate(keyed.stream()), keyed.partitionCount());
      }
      Map<SystemStream, Integer> broadcast = new java.util.LinkedHashMap<>();
      for (BroadcastInputSpec b : stage.broadcastInputs()) {
        broadcast.put(systems.intermediate(b.stream()), 1);
      }
      specs.add(new StageSpec(stage.id(), partitioned, broadcast));
    }
    return specs;
  }
}
