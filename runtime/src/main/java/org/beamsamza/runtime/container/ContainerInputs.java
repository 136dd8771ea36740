package org.beamsamza.runtime.container;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.config.StreamConfig;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's inputs as its per-stream settings ({@link StreamConfig}) and its tasks' checkpoints
 * make them: where each partition starts, which partitions may be trimmed, and the chooser stack
 * (priorities, then bootstrap streams first) over the container's own chooser.
 */
final class ContainerInputs {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerInputs.class);

  final Map<SystemStreamPartition, InputPartition> partitions;
  final MessageChooser chooser;
  final Set<SystemStreamPartition> trimmable;

  private ContainerInputs(
      Map<SystemStreamPartition, InputPartition> partitions,
      MessageChooser chooser,
      Set<SystemStreamPartition> trimmable) {
    this.partitions = partitions;
    this.chooser = chooser;
    this.trimmable = trimmable;
  }

  /**
   * Reads each task's checkpoint, decides where every input partition starts and registers it once
   * with its consumer.
   */
  static ContainerInputs start(
      String containerId,
      List<TaskInstance> tasks,
      ContainerSystems systems,
      CheckpointManager checkpoints,
      StreamConfig streams,
      MessageChooser chooser,
      Set<SystemStreamPartition> trimmable) {
    Map<SystemStreamPartition, InputPartition> inputs = new LinkedHashMap<>();
    Map<SystemStream, StreamStart> starts = new HashMap<>();
    for (TaskInstance t : tasks) {
      Checkpoint cp = checkpoints.readLastCheckpoint(t.name);
      for (SystemStreamPartition ssp : t.model.getInputs()) {
        SystemAdmin admin = systems.admin(ssp.getSystem());
        StreamStart how =
            starts.computeIfAbsent(ssp.getSystemStream(), s -> StreamStart.of(s, streams));
        String last = cp == null || how.reset ? null : cp.getOffsets().get(ssp);
        String start =
            last != null
                ? admin.getOffsetAfter(ssp, last)
                : how.offsetDefault == StreamConfig.OffsetDefault.UPCOMING
                    ? upcoming(admin, ssp)
                    : null;
        inputs
            .computeIfAbsent(ssp, s -> new InputPartition(s, admin.offsetComparator()))
            .addReader(t, last, start);
      }
    }
    for (InputPartition p : inputs.values()) {
      systems.consumer(p.ssp.getSystem()).register(p.ssp, p.registrationOffset());
    }

    Set<SystemStreamPartition> trim = new HashSet<>(trimmable);
    Map<SystemStream, Integer> priorities = new HashMap<>();
    Set<SystemStream> bootstrap = new HashSet<>();
    starts.forEach(
        (stream, how) -> {
          if (how.reset) {
            // Read whole at every start: what was committed must stay readable.
            trim.removeIf(ssp -> ssp.getSystemStream().equals(stream));
          }
          if (how.priority != 0) {
            priorities.put(stream, how.priority);
          }
          if (how.bootstrap) {
            bootstrap.add(stream);
          }
        });
    MessageChooser stack = chooser;
    if (!priorities.isEmpty()) {
      stack = new PriorityChooser(priorities, stack, RoundRobinChooser::new);
    }
    Map<SystemStreamPartition, BootstrappingChooser.Target> lagging =
        lagging(inputs, bootstrap, systems);
    if (!lagging.isEmpty()) {
      long started = System.nanoTime();
      LOG.info(
          "Container {}: reading bootstrap partitions {} to their newest offsets before other input",
          containerId,
          lagging.keySet());
      stack =
          new BootstrappingChooser(
              stack,
              bootstrap,
              lagging,
              () ->
                  LOG.info(
                      "Container {}: bootstrap streams {} caught up in {} ms",
                      containerId,
                      bootstrap,
                      (System.nanoTime() - started) / 1_000_000));
    }
    return new ContainerInputs(inputs, stack, Set.copyOf(trim));
  }

  /** Bootstrap partitions whose newest offset at start is at or after where reading starts. */
  private static Map<SystemStreamPartition, BootstrappingChooser.Target> lagging(
      Map<SystemStreamPartition, InputPartition> inputs,
      Set<SystemStream> bootstrap,
      ContainerSystems systems) {
    Map<SystemStreamPartition, BootstrappingChooser.Target> lagging = new HashMap<>();
    for (InputPartition p : inputs.values()) {
      if (!bootstrap.contains(p.ssp.getSystemStream())) {
        continue;
      }
      String newest = newest(systems.admin(p.ssp.getSystem()), p.ssp, StreamConfig.BOOTSTRAP);
      String from = p.registrationOffset();
      if (newest != null && (from == null || p.offsetOrder.compare(from, newest) <= 0)) {
        lagging.put(p.ssp, new BootstrappingChooser.Target(newest, p.offsetOrder));
      }
    }
    return lagging;
  }

  /** The offset after the partition's newest message: only what is written from now on is read. */
  private static String upcoming(SystemAdmin admin, SystemStreamPartition ssp) {
    String newest = newest(admin, ssp, StreamConfig.OFFSET_DEFAULT + "=upcoming");
    return newest == null ? null : admin.getOffsetAfter(ssp, newest);
  }

  private static String newest(SystemAdmin admin, SystemStreamPartition ssp, String setting) {
    try {
      return admin.getNewestOffset(ssp);
    } catch (UnsupportedOperationException e) {
      throw new IllegalArgumentException(
          "Stream "
              + ssp.getSystemStream()
              + " is configured with "
              + setting
              + ", but its system cannot report its newest offset: "
              + e.getMessage(),
          e);
    }
  }

  /** One stream's settings, read once per stream. */
  private record StreamStart(
      boolean reset, StreamConfig.OffsetDefault offsetDefault, boolean bootstrap, int priority) {
    static StreamStart of(SystemStream stream, StreamConfig config) {
      return new StreamStart(
          config.resetOffset(stream),
          config.offsetDefault(stream),
          config.isBootstrap(stream),
          config.priority(stream));
    }
  }
}
