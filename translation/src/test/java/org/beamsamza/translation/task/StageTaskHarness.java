package org.beamsamza.translation.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.translation.PipelineTranslator;
import org.beamsamza.translation.plan.BroadcastInputSpec;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.KeyedInputSpec;
import org.beamsamza.translation.plan.SinkSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.streams.ControlMessage;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Runs one task of one stage of a translated pipeline as its container would, but by hand: a {@link
 * FakeTaskContext} owning the task's partitions (partition {@code taskIndex} of each source and
 * keyed input, every partition of each broadcast input), a {@link RecordingMessageCollector}, a
 * {@link RecordingTaskCoordinator} and a manual processing-time clock. Input envelopes are built as
 * the systems build them (a source partition delivers {@link WindowedValue} and {@link
 * ControlMessage} objects, an intermediate stream delivers {@link StreamRecords} bytes), with an
 * offset counting up per partition.
 */
public final class StageTaskHarness implements AutoCloseable {
  public static final StageTask.Systems SYSTEMS =
      new StageTask.Systems("src", "unbounded-src", "mem", "test-stream");

  private final StagePlan stage;
  private final int taskIndex;
  private final StageTask task;
  private final FakeTaskContext context;
  private final List<Object> log = new ArrayList<>();
  private final RecordingMessageCollector collector = new RecordingMessageCollector(log);
  private final RecordingTaskCoordinator coordinator = new RecordingTaskCoordinator(log);
  private final Map<SystemStreamPartition, Long> offsets = new HashMap<>();
  private Instant now = new Instant(1_000_000L);

  private StageTaskHarness(StagePlan stage, int taskIndex, int bundleSize, PipelineOptions options)
      throws Exception {
    this.stage = stage;
    this.taskIndex = taskIndex;
    Set<SystemStreamPartition> inputs = new HashSet<>();
    for (SourceInputSpec s : stage.sourceInputs()) {
      if (taskIndex < s.partitionCount()) {
        inputs.add(new SystemStreamPartition(SYSTEMS.sourceSystem(), s.stream(), taskIndex));
      }
    }
    for (KeyedInputSpec k : stage.keyedInputs()) {
      if (taskIndex < k.partitionCount()) {
        inputs.add(new SystemStreamPartition(SYSTEMS.streamSystem(), k.stream(), taskIndex));
      }
    }
    for (BroadcastInputSpec b : stage.broadcastInputs()) {
      inputs.add(new SystemStreamPartition(SYSTEMS.streamSystem(), b.stream(), 0));
    }
    this.context =
        new FakeTaskContext(
            stage.id() + "-partition-" + taskIndex,
            stage.id(),
            taskIndex,
            stage.taskCount(),
            inputs);
    ProcessingClock clock = () -> now;
    this.task =
        new StageTask(stage, options, new MetricsContainerStepMap(), SYSTEMS, bundleSize, clock);
    task.init(context);
  }

  /** Opens task {@code taskIndex} of {@code stage}, as a container does ({@code init}). */
  public static StageTaskHarness open(StagePlan stage, int taskIndex, int bundleSize)
      throws Exception {
    return new StageTaskHarness(stage, taskIndex, bundleSize, PipelineOptionsFactory.create());
  }

  /** Translates {@code pipeline} as the runner does. */
  public static ExecutionPlan translate(Pipeline pipeline, int parallelism) {
    PipelineTranslator.prepare(pipeline);
    return PipelineTranslator.translate(pipeline, pipeline.getOptions(), parallelism);
  }

  /** The stage of {@code plan} that runs step {@code step} (or a step nested in it). */
  public static StagePlan stageWith(ExecutionPlan plan, String step) {
    List<StagePlan> found =
        plan.stages().stream()
            .filter(
                s ->
                    s.nodes().stream()
                        .anyMatch(
                            n -> n.stepName().equals(step) || n.stepName().startsWith(step + "/")))
            .toList();
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          step + " is in " + found.size() + " stages of " + plan.describe());
    }
    return found.get(0);
  }

  // --- driving the task ---

  public void process(IncomingMessageEnvelope envelope) throws Exception {
    task.process(envelope, collector, coordinator);
  }

  public void window() throws Exception {
    task.window(collector, coordinator);
  }

  public void prepareCommit() throws Exception {
    task.prepareCommit(collector, coordinator);
  }

  /** Moves the task's processing-time clock forward. */
  public void advanceProcessingTime(Duration by) {
    now = now.plus(by);
  }

  public Instant processingTime() {
    return now;
  }

  /** The task's metrics registry, as a reporter reads it: values by group, then name. */
  public Map<String, Map<String, Object>> metrics() {
    return context.getMetricsRegistry().values();
  }

  @Override
  public void close() throws Exception {
    task.close();
  }

  // --- input envelopes ---

  private IncomingMessageEnvelope envelope(SystemStreamPartition ssp, Object key, Object message) {
    long offset = offsets.merge(ssp, 1L, Long::sum) - 1;
    return new IncomingMessageEnvelope(ssp, Long.toString(offset), key, message);
  }

  /** The partition of {@code stream} this task reads (its index; 0 for a broadcast stream). */
  public SystemStreamPartition inputPartition(String stream) {
    for (SourceInputSpec s : stage.sourceInputs()) {
      if (s.stream().equals(stream)) {
        return new SystemStreamPartition(SYSTEMS.sourceSystem(), stream, taskIndex);
      }
    }
    for (KeyedInputSpec k : stage.keyedInputs()) {
      if (k.stream().equals(stream)) {
        return new SystemStreamPartition(SYSTEMS.streamSystem(), stream, taskIndex);
      }
    }
    for (BroadcastInputSpec b : stage.broadcastInputs()) {
      if (b.stream().equals(stream)) {
        return new SystemStreamPartition(SYSTEMS.streamSystem(), stream, 0);
      }
    }
    throw new IllegalArgumentException("stage " + stage.id() + " reads no stream " + stream);
  }

  /** An element of a bounded-source partition (sources deliver objects, not bytes). */
  public IncomingMessageEnvelope sourceElement(String stream, WindowedValue<?> element) {
    return envelope(inputPartition(stream), null, element);
  }

  /** A control message of a bounded-source partition (its only producer is 0). */
  public IncomingMessageEnvelope sourceControl(String stream, ControlMessage control) {
    return envelope(inputPartition(stream), null, control);
  }

  /** A data record of a repartition stream, encoded with the stage's coders for it. */
  @SuppressWarnings("unchecked")
  public <K, V> IncomingMessageEnvelope keyedData(
      String stream, K key, WindowedValue<V> valueInWindow) {
    KeyedInputSpec spec =
        stage.keyedInputs().stream().filter(k -> k.stream().equals(stream)).findFirst().get();
    byte[] keyBytes = StreamRecords.encodeKey((Coder<K>) spec.keyCoder(), key);
    byte[] message =
        StreamRecords.encodeData((Coder<WindowedValue<V>>) spec.valueCoder(), valueInWindow);
    return envelope(inputPartition(stream), keyBytes, message);
  }

  /** A data record of a broadcast (side input) stream. */
  @SuppressWarnings("unchecked")
  public <T> IncomingMessageEnvelope broadcastData(String stream, WindowedValue<T> element) {
    BroadcastInputSpec spec =
        stage.broadcastInputs().stream().filter(b -> b.stream().equals(stream)).findFirst().get();
    return envelope(
        inputPartition(stream),
        null,
        StreamRecords.encodeData((Coder<WindowedValue<T>>) spec.elementCoder(), element));
  }

  /** A control record of an intermediate (keyed or broadcast) stream. */
  public IncomingMessageEnvelope streamControl(String stream, ControlMessage control) {
    return envelope(inputPartition(stream), null, StreamRecords.encodeControl(control));
  }

  /** Any message on the partition of {@code stream} this task reads. */
  public IncomingMessageEnvelope raw(String stream, Object key, Object message) {
    return envelope(inputPartition(stream), key, message);
  }

  // --- what the task did ---

  public StagePlan stage() {
    return stage;
  }

  public StageTask task() {
    return task;
  }

  public FakeTaskContext context() {
    return context;
  }

  public RecordingMessageCollector collector() {
    return collector;
  }

  public RecordingTaskCoordinator coordinator() {
    return coordinator;
  }

  /** Envelopes sent and coordinator requests, interleaved in the order they happened. */
  public List<Object> log() {
    return List.copyOf(log);
  }

  public SinkSpec sink(String stream) {
    return stage.sinks().stream().filter(s -> s.stream().equals(stream)).findFirst().get();
  }

  /** Whether an envelope carries a data record (as opposed to a control message). */
  public static boolean isData(OutgoingMessageEnvelope e) {
    return StreamRecords.isData((byte[]) e.getMessage());
  }

  /**
   * Every data record written to {@code stream} (all partitions, in order), decoded with the sink's
   * coders: for a keyed sink the element's value is {@code KV(key, value)}.
   */
  @SuppressWarnings("unchecked")
  public List<WindowedValue<Object>> dataOut(String stream) {
    SinkSpec sink = sink(stream);
    List<WindowedValue<Object>> out = new ArrayList<>();
    for (OutgoingMessageEnvelope e : collector.sent()) {
      if (!e.getSystemStream().getStream().equals(stream) || !isData(e)) {
        continue;
      }
      WindowedValue<Object> value =
          StreamRecords.decodeData(
              (Coder<WindowedValue<Object>>) sink.valueCoder(), (byte[]) e.getMessage());
      if (sink.isKeyed()) {
        Object key = StreamRecords.decodeKey((Coder<Object>) sink.keyCoder(), (byte[]) e.getKey());
        out.add(value.withValue(KV.of(key, value.getValue())));
      } else {
        out.add(value);
      }
    }
    return out;
  }

  /** The control messages written to one partition of {@code stream}, in order. */
  public List<ControlMessage> controlsOut(String stream, int partition) {
    return collector.sent(stream, partition).stream()
        .filter(e -> !isData(e))
        .map(e -> StreamRecords.decodeControl((byte[]) e.getMessage()))
        .toList();
  }
}
