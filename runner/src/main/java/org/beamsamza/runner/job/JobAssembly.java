package org.beamsamza.runner.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.metrics.ReporterOptions;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.config.StreamConfig;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.StageSpec;
import org.beamsamza.runtime.local.ContainerRestartPolicy;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
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
 * The one path from an execution plan to a runnable job, shared by every deployment: the systems
 * the tasks read and write (the job's streams, the plan's sources, external inputs, a TestStream),
 * the job model (which container runs which tasks), the container config (windows, commits, state
 * stores, side-input stream settings, the user's {@code --configOverride}), the task factory and
 * the restart policy. A local run starts every container of it in this JVM; a YARN container runs
 * one of them; the ApplicationMaster needs only the {@link #jobModel}.
 */
public final class JobAssembly {
  public static final String SOURCE_SYSTEM = "beam-source";
  public static final String UNBOUNDED_SOURCE_SYSTEM = "beam-unbounded-source";
  public static final String TEST_STREAM_SYSTEM = "beam-test-stream";

  /** A reader's container for its Read step's shared metrics, its lookups cached. */
  private static java.util.function.Function<String, org.apache.beam.sdk.metrics.MetricsContainer>
      readerMetrics(JobMetrics metrics) {
    return step ->
        new org.beamsamza.translation.metrics.LookupCachingMetricsContainer(
            metrics.shared().getContainer(step));
  }

  private static final StageTask.Systems IN_MEMORY_SYSTEMS =
      new StageTask.Systems(
          SOURCE_SYSTEM, UNBOUNDED_SOURCE_SYSTEM, JobStreams.INMEMORY, TEST_STREAM_SYSTEM);

  private final JobModel jobModel;
  private final Config config;
  private final Map<String, SystemFactory> systems;
  private final StageTaskFactory tasks;
  private final ContainerRestartPolicy restartPolicy;

  private JobAssembly(
      JobModel jobModel,
      Config config,
      Map<String, SystemFactory> systems,
      StageTaskFactory tasks,
      ContainerRestartPolicy restartPolicy) {
    this.jobModel = jobModel;
    this.config = config;
    this.systems = Map.copyOf(systems);
    this.tasks = tasks;
    this.restartPolicy = restartPolicy;
  }

  /**
   * Wires the plan to the streams of {@code streams}, with the tasks' stores under {@code
   * storeBaseDir} ({@code temporaryStores}: deleted after the run, so never reopened). The streams
   * must exist ({@link JobStreams#createStreams}) before a container starts.
   */
  public static JobAssembly assemble(
      ExecutionPlan plan,
      byte[] serializedPlan,
      SamzaPipelineOptions options,
      JobMetrics metrics,
      JobStreams streams,
      Path storeBaseDir,
      boolean temporaryStores) {
    StageTask.Systems systemNames = systemNames(streams);
    Map<String, SystemFactory> systems = new HashMap<>();
    systems.put(streams.system(), streams.factory());
    systems.put(
        SOURCE_SYSTEM,
        new BoundedSourceSystem(plan.sources(), plan.options().get(), readerMetrics(metrics)));
    systems.put(
        UNBOUNDED_SOURCE_SYSTEM,
        new UnboundedSourceSystem(
            plan.unboundedSources(), plan.options().get(), readerMetrics(metrics)));
    // A TestStream scripts processing time: every task reads one manual clock, and the TestStream
    // releases each event once the job is quiescent, which only a container that runs every task
    // can tell (TestStreamSystem); so such a job runs in one container (jobModel).
    boolean testStream = !plan.testStreams().isEmpty();
    ManualProcessingClock testClock = testStream ? new ManualProcessingClock(Instant.now()) : null;
    if (testStream) {
      systems.put(TEST_STREAM_SYSTEM, new TestStreamSystem(plan.testStreams(), testClock));
    }
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
            options, storeBaseDir, temporaryStores, streams.changelogSpec()));
    values.putAll(broadcastStreamSettings(plan, systemNames));
    values.putAll(ReporterOptions.config(options, streams.system(), plan.jobName()));
    if (options.getConfigOverride() != null) {
      values.putAll(options.getConfigOverride());
    }
    StageTaskFactory tasks =
        new StageTaskFactory(
            serializedPlan,
            metrics,
            systemNames,
            options.getBundleSize(),
            testStream ? testClock : ProcessingClock.SYSTEM);
    return new JobAssembly(
        jobModel(plan, options, streams),
        new Config(values),
        systems,
        tasks,
        ContainerRestarts.forJob(options, plan));
  }

  /**
   * Which container runs which tasks: {@code --containers} containers (one for a TestStream job),
   * the stages' tasks spread over them. A pipeline with no transform has no stage: a job of no
   * containers, finished at once.
   */
  public static JobModel jobModel(
      ExecutionPlan plan, SamzaPipelineOptions options, JobStreams streams) {
    if (plan.stages().isEmpty()) {
      return new JobModel(Map.of());
    }
    int containers = plan.testStreams().isEmpty() ? options.getContainers() : 1;
    return JobModelPlanner.plan(stageSpecs(plan, systemNames(streams)), containers);
  }

  public JobModel jobModel() {
    return jobModel;
  }

  /** The config every container of the job runs with. */
  public Config config() {
    return config;
  }

  /** The systems by name; they serve every container (and restart) of the job in one process. */
  public Map<String, SystemFactory> systems() {
    return systems;
  }

  public StageTaskFactory tasks() {
    return tasks;
  }

  /** Whether and how often a failed container is restarted ({@link ContainerRestarts}). */
  public ContainerRestartPolicy restartPolicy() {
    return restartPolicy;
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
          Class.forName(spec.factoryClass(), true, JobAssembly.class.getClassLoader())
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
    return streams.streamPrefix().isEmpty() && streams.system().equals(JobStreams.INMEMORY)
        ? IN_MEMORY_SYSTEMS
        : new StageTask.Systems(
            SOURCE_SYSTEM,
            UNBOUNDED_SOURCE_SYSTEM,
            streams.system(),
            TEST_STREAM_SYSTEM,
            streams.streamPrefix());
  }

  /** As {@link #stageSpecs(ExecutionPlan, StageTask.Systems)} on the in-memory system. */
  public static List<StageSpec> stageSpecs(ExecutionPlan plan) {
    return stageSpecs(plan, IN_MEMORY_SYSTEMS);
  }

  /** What the job planner needs of each stage: its partitioned and broadcast inputs. */
  public static List<StageSpec> stageSpecs(ExecutionPlan plan, StageTask.Systems systems) {
    List<StageSpec> specs = new ArrayList<>();
    for (StagePlan stage : plan.stages()) {
      Map<SystemStream, Integer> partitioned = new LinkedHashMap<>();
      for (SourceInputSpec source : stage.sourceInputs()) {
        partitioned.put(
            new SystemStream(systems.of(source), source.stream()), source.partitionCount());
      }
      for (KeyedInputSpec keyed : stage.keyedInputs()) {
        partitioned.put(systems.intermediate(keyed.stream()), keyed.partitionCount());
      }
      Map<SystemStream, Integer> broadcast = new LinkedHashMap<>();
      for (BroadcastInputSpec b : stage.broadcastInputs()) {
        broadcast.put(systems.intermediate(b.stream()), 1);
      }
      specs.add(new StageSpec(stage.id(), partitioned, broadcast));
    }
    return specs;
  }
}
