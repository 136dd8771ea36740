package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.beamsamza.runtime.metrics.MetricsRegistry;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.ClosableTask;
import org.beamsamza.runtime.task.CommitListenerTask;
import org.beamsamza.runtime.task.InitableTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.PreCommitTask;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskContext;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.WindowableTask;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.state.kv.KeyValueStore;
import org.beamsamza.translation.metrics.LookupCachingMetricsContainer;
import org.beamsamza.translation.metrics.UserMetricsExport;
import org.beamsamza.translation.plan.BroadcastInputSpec;
import org.beamsamza.translation.plan.KeyedInputSpec;
import org.beamsamza.translation.plan.NodeSpec;
import org.beamsamza.translation.plan.SinkSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.joda.time.Instant;

/**
 * The Samza task that runs one partition of one stage: it wires the stage's operators to their
 * PCollections, input streams and sinks, routes each incoming message, closes bundles (every {@code
 * bundleSize} elements, on the window tick and before a commit) and declares itself finished once
 * every input has ended and everything downstream has been flushed.
 */
public final class StageTask
    implements StreamTask,
        InitableTask,
        WindowableTask,
        PreCommitTask,
        CommitListenerTask,
        ClosableTask {
  /**
   * Names of the systems the stage's streams live on. An intermediate stream (repartition,
   * broadcast) of the plan named {@code s} is the stream {@code streamPrefix + s} of {@code
   * streamSystem} (e.g. a Kafka topic named after the job id; empty on the in-memory system).
   */
  public record Systems(
      String sourceSystem,
      String unboundedSourceSystem,
      String streamSystem,
      String testStreamSystem,
      String streamPrefix)
      implements java.io.Serializable {
    public Systems {
      streamPrefix = streamPrefix == null ? "" : streamPrefix;
    }

    /** No stream prefix: intermediate streams are named as in the plan. */
    public Systems(
        String sourceSystem,
        String unboundedSourceSystem,
        String streamSystem,
        String testStreamSystem) {
      this(sourceSystem, unboundedSourceSystem, streamSystem, testStreamSystem, "");
    }

    /**
     * Bounded sources and streams only: a plan with another kind of source fails in {@link #of}.
     */
    public Systems(String sourceSystem, String streamSystem) {
      this(sourceSystem, null, streamSystem, null, "");
    }

    /** The system stream of the plan's intermediate stream {@code planStream}. */
    public SystemStream intermediate(String planStream) {
      return new SystemStream(streamSystem, streamPrefix + planStream);
    }

    /** The system that reads a source input, by its kind. */
    public String of(SourceInputSpec source) {
      String system =
          switch (source.kind()) {
            case BOUNDED -> sourceSystem;
            case UNBOUNDED -> unboundedSourceSystem;
            case TEST_STREAM -> testStreamSystem;
            case EXTERNAL -> source.external().system();
          };
      if (system == null) {
        throw new IllegalStateException(
            "Source stream "
                + source.stream()
                + " is "
                + source.kind()
                + " but no system reads it");
      }
      return system;
    }
  }

  private final StagePlan stage;
  private final PipelineOptions options;
  private final MetricsContainerStepMap metrics;
  private final Systems systems;
  private final int bundleSize;
  private final ProcessingClock clock;
  private final Runnable afterCommit;

  /** The narrow view of this task its operator nodes get. */
  private final TaskServices services =
      new TaskServices() {
        @Override
        public KeyValueStore stateStore() {
          return StageTask.this.stateStore();
        }

        @Override
        public String taskName() {
          return StageTask.this.taskName();
        }

        @Override
        public PipelineOptions pipelineOptions() {
          return StageTask.this.pipelineOptions();
        }

        @Override
        public void requestCallback(OperatorNode node) {
          StageTask.this.requestCallback(node);
        }

        @Override
        public ProcessingClock processingClock() {
          return clock;
        }

        @Override
        public DoFn.BundleFinalizer bundleFinalizer(String stepName) {
          return finalizations.forStep(stepName);
        }
      };

  private String taskName;
  private PendingFinalizations finalizations;
  private final List<OperatorNode> nodes = new ArrayList<>();
  private final Map<SystemStream, InputHandler> handlers = new HashMap<>();
  private final List<StreamSink> sinks = new ArrayList<>();
  private final Set<OperatorNode> callbacks = new LinkedHashSet<>();
  private MessageCollector collector;
  private int elementsInBundle;
  private boolean finished;

  public StageTask(
      StagePlan stage,
      PipelineOptions options,
      MetricsContainerStepMap metrics,
      Systems systems,
      int bundleSize) {
    this(stage, options, metrics, systems, bundleSize, ProcessingClock.SYSTEM);
  }

  /**
   * @param clock the one place this task and its operators read processing time from (window ticks,
   *     timers' current processing time)
   */
  public StageTask(
      StagePlan stage,
      PipelineOptions options,
      MetricsContainerStepMap metrics,
      Systems systems,
      int bundleSize,
      ProcessingClock clock) {
    this(stage, options, metrics, systems, bundleSize, clock, () -> {});
  }

  /**
   * @param metrics the map this task attempt reports its steps' metrics into
   * @param afterCommit runs when a commit covering the task's work so far is complete (the job's
   *     committed metrics snapshot {@code metrics} then)
   */
  public StageTask(
      StagePlan stage,
      PipelineOptions options,
      MetricsContainerStepMap metrics,
      Systems systems,
      int bundleSize,
      ProcessingClock clock,
      Runnable afterCommit) {
    this.afterCommit = java.util.Objects.requireNonNull(afterCommit, "afterCommit");
    this.stage = stage;
    this.options = options;
    this.metrics = metrics;
    this.systems = systems;
    this.bundleSize = bundleSize;
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  /** The name of the task store Beam state lives in (config keys {@code stores.beam-state.*}). */
  public static final String STATE_STORE = "beam-state";

  private TaskContext taskContext;
  private KeyValueStore stateStore;

  @Override
  public void init(TaskContext context) throws Exception {
    taskContext = context;
    taskName = context.getTaskName().getName();
    finalizations = new PendingFinalizations(taskName);
    int taskIndex = context.getTaskModel().getTaskIndex();
    Set<SystemStream> owned = new java.util.HashSet<>();
    for (SystemStreamPartition ssp : context.getSystemStreamPartitions()) {
      owned.add(ssp.getSystemStream());
    }

    Map<String, PCollectionChannel> channels = new HashMap<>();
    for (NodeSpec spec : stage.nodes()) {
      OperatorNode node =
          new OperatorNode(
              spec.stepName(),
              spec.factory().create(),
              services,
              new LookupCachingMetricsContainer(metrics.getContainer(spec.stepName())));
      for (String input : spec.mainInputs()) {
        PCollectionChannel channel = channels.computeIfAbsent(input, PCollectionChannel::new);
        channel.addConsumer(node.mainInputConsumer());
        node.addMainInput(channel);
      }
      spec.outputs()
          .forEach(
              (tag, pc) ->
                  node.addOutput(tag, channels.computeIfAbsent(pc, PCollectionChannel::new)));
      nodes.add(node);
    }
    Map<String, ExternalInputHandler> externalInputs = new HashMap<>();
    for (SourceInputSpec source : stage.sourceInputs()) {
      SystemStream stream = new SystemStream(systems.of(source), source.stream());
      if (source.kind() == SourceInputSpec.Kind.EXTERNAL) {
        ExternalInputHandler handler =
            externalInputs.computeIfAbsent(
                source.external().stepName(),
                step ->
                    new ExternalInputHandler(
                        source.external(),
                        source.external().outputs().stream()
                            .map(pc -> channels.computeIfAbsent(pc, PCollectionChannel::new))
                            .toList()));
        for (SystemStreamPartition ssp : context.getSystemStreamPartitions()) {
          if (ssp.getSystemStream().equals(stream)) {
            handler.addPartition(ssp, options);
          }
        }
        handlers.put(stream, handler);
        continue;
      }
      PCollectionChannel channel =
          channels.computeIfAbsent(source.outputPCollection(), PCollectionChannel::new);
      ProducerWatermarks watermarks =
          owned.contains(stream)
              ? new ProducerWatermarks(source.stream(), 1)
              : ProducerWatermarks.ended(source.stream());
      handlers.put(stream, new SourceInputHandler(channel, watermarks));
    }
    for (KeyedInputSpec keyed : stage.keyedInputs()) {
      SystemStream stream = systems.intermediate(keyed.stream());
      ProducerWatermarks watermarks =
          owned.contains(stream)
              ? new ProducerWatermarks(keyed.stream(), keyed.upstreamTaskCount())
              : ProducerWatermarks.ended(keyed.stream());
      OperatorNode target = nodes.get(keyed.targetNode());
      target.addMainInput(watermarks);
      handlers.put(
          stream, new KeyedInputHandler(target, watermarks, keyed.keyCoder(), keyed.valueCoder()));
    }
    for (BroadcastInputSpec broadcast : stage.broadcastInputs()) {
      SystemStream stream = systems.intermediate(broadcast.stream());
      List<OperatorNode> targets = new ArrayList<>();
      broadcast.targetNodes().forEach(i -> targets.add(nodes.get(i)));
      handlers.put(
          stream,
          new BroadcastInputHandler(
              broadcast.view(),
              targets,
              new ProducerWatermarks(broadcast.stream(), broadcast.upstreamTaskCount()),
              broadcast.elementCoder()));
    }
    for (SinkSpec sinkSpec : stage.sinks()) {
      StreamSink sink =
          new StreamSink(sinkSpec, systems.intermediate(sinkSpec.stream()), taskIndex, this);
      channels.computeIfAbsent(sinkSpec.pcollection(), PCollectionChannel::new).addConsumer(sink);
      sinks.add(sink);
    }
    for (OperatorNode node : nodes) {
      node.open();
    }
    registerMetrics(context.getMetricsRegistry());
  }

  /**
   * Called once the container has a collector for us (first message or tick): propagates the
   * watermarks of inputs this task reads no partition of (they have ended from the start).
   */
  private void startIfNeeded(MessageCollector collector, TaskCoordinator coordinator)
      throws Exception {
    this.collector = collector;
    if (!started) {
      started = true;
      for (OperatorNode node : nodes) {
        node.onInputWatermarkChanged();
      }
      for (InputHandler handler : distinctHandlers()) {
        handler.start();
      }
      checkFinished(coordinator);
    }
  }

  private boolean started;

  /**
   * The task's watermarks (group {@code stage}: the least input and output watermark of its steps,
   * epoch millis) and each step's counts and watermarks (group {@code step}).
   */
  private void registerMetrics(MetricsRegistry registry) {
    List<OperatorNode> steps = List.copyOf(nodes);
    List<Map.Entry<String, org.apache.beam.runners.core.metrics.MetricsContainerImpl>> stepMetrics =
        new ArrayList<>();
    for (NodeSpec spec : stage.nodes()) {
      stepMetrics.add(Map.entry(spec.stepName(), metrics.getContainer(spec.stepName())));
    }
    userMetrics = new UserMetricsExport(stepMetrics, registry);
    registry.newGauge(STAGE_GROUP, "input-watermark", () -> least(steps, true));
    registry.newGauge(STAGE_GROUP, "output-watermark", () -> least(steps, false));
    for (OperatorNode node : steps) {
      node.registerMetrics(registry);
    }
  }

  static final String STAGE_GROUP = "stage";

  private UserMetricsExport userMetrics;

  private static Long least(List<OperatorNode> steps, boolean input) {
    long least = Long.MAX_VALUE;
    for (OperatorNode node : steps) {
      least = Math.min(least, (input ? node.inputWatermark() : node.outputWatermark()).getMillis());
    }
    return steps.isEmpty() ? null : least;
  }

  @Override
  public void process(
      IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator)
      throws Exception {
    startIfNeeded(collector, coordinator);
    InputHandler handler = handlers.get(envelope.getSystemStreamPartition().getSystemStream());
    if (handler == null) {
      throw new IllegalStateException(
          "Task "
              + taskName
              + " got a message of "
              + envelope.getSystemStreamPartition()
              + " which its stage "
              + stage.id()
              + " does not read");
    }
    handler.handle(envelope);
    if (++elementsInBundle >= bundleSize) {
      finishBundles();
    }
    runCallbacks();
    checkFinished(coordinator);
  }

  @Override
  public void window(MessageCollector collector, TaskCoordinator coordinator) throws Exception {
    startIfNeeded(collector, coordinator);
    Instant now = clock.now();
    for (InputHandler handler : distinctHandlers()) {
      handler.onTick(now);
    }
    for (OperatorNode node : nodes) {
      node.onProcessingTime(now);
    }
    finishBundles();
    runCallbacks();
    sendPendingWatermarks();
    userMetrics.sync();
    checkFinished(coordinator);
  }

  /** Each handler once (an external input's handler serves each of its streams). */
  private List<InputHandler> distinctHandlers() {
    if (distinctHandlers == null) {
      Set<InputHandler> seen =
          java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      distinctHandlers = handlers.values().stream().filter(seen::add).toList();
    }
    return distinctHandlers;
  }

  private List<InputHandler> distinctHandlers;

  /** Watermarks coalesced by the sinks since the last tick (see {@link StreamSink}). */
  private void sendPendingWatermarks() {
    for (StreamSink sink : sinks) {
      sink.sendPendingWatermark();
    }
  }

  @Override
  public void prepareCommit(MessageCollector collector, TaskCoordinator coordinator)
      throws Exception {
    startIfNeeded(collector, coordinator);
    // Upstream first: what a node flushes lands in nodes later in the order, which flush next.
    elementsInBundle = 0;
    for (OperatorNode node : nodes) {
      node.prepareCommit();
    }
    runCallbacks();
    sendPendingWatermarks();
  }

  @Override
  public void onCommitted() {
    afterCommit.run();
    if (finalizations != null) {
      finalizations.afterCommit(clock.now());
    }
  }

  private void runCallbacks() throws Exception {
    while (!callbacks.isEmpty()) {
      List<OperatorNode> due = new ArrayList<>(callbacks);
      callbacks.clear();
      Instant now = clock.now();
      for (OperatorNode node : due) {
        node.onProcessingTime(now);
      }
      finishBundles();
    }
  }

  /**
   * Finishes every open bundle, upstream first, so that what a bundle flushes joins the next one
   * downstream.
   */
  private void finishBundles() throws Exception {
    elementsInBundle = 0;
    for (OperatorNode node : nodes) {
      node.finishBundle();
    }
  }

  private void checkFinished(TaskCoordinator coordinator) throws Exception {
    if (finished) {
      return;
    }
    for (InputHandler handler : handlers.values()) {
      if (!handler.isEnded()) {
        return;
      }
    }
    finishBundles();
    runCallbacks();
    for (OperatorNode node : nodes) {
      if (node.hasPendingWork()) {
        return; // e.g. a splittable DoFn's resume timers: the window tick fires them and asks again
      }
    }
    for (OperatorNode node : nodes) {
      // Every input has ended, so every step must have released its output. A step that still
      // holds its watermark would leave downstream tasks waiting forever: fail loudly instead.
      if (node.outputWatermark().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
        throw new IllegalStateException(
            "Task "
                + taskName
                + ": every input has ended but step '"
                + node.stepName()
                + "' holds its output watermark at "
                + node.outputWatermark());
      }
    }
    finished = true;
    coordinator.shutdown(TaskCoordinator.RequestScope.CURRENT_TASK);
  }

  @Override
  public void close() throws Exception {
    if (userMetrics != null) {
      userMetrics.sync(); // metrics first used after the last window tick
    }
    Exception first = null;
    for (InputHandler handler : distinctHandlers()) {
      try {
        handler.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    for (OperatorNode node : nodes) {
      try {
        node.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  void requestCallback(OperatorNode node) {
    callbacks.add(node);
  }

  /** The task's state store, opened on first use (stateless stages never open one). */
  KeyValueStore stateStore() {
    if (stateStore == null) {
      Object store = taskContext.getStore(STATE_STORE);
      if (!(store instanceof KeyValueStore kv)) {
        throw new IllegalStateException(
            "Task "
                + taskName
                + ": store "
                + STATE_STORE
                + " is not a KeyValueStore but "
                + (store == null ? "null" : store.getClass().getName()));
      }
      stateStore = kv;
    }
    return stateStore;
  }

  MessageCollector collector() {
    return collector;
  }

  String taskName() {
    return taskName;
  }

  PipelineOptions pipelineOptions() {
    return options;
  }
}
