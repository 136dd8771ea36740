package org.beamsamza.runner.job;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.kafka.KafkaClientConfig;
import org.beamsamza.kafka.KafkaSystemAdmin;
import org.beamsamza.kafka.KafkaSystemFactory;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.translation.plan.StreamDef;

/**
 * Where a job's intermediate streams (repartition, broadcast, state changelogs) live and where its
 * checkpoints are stored, as chosen by {@code --system}: the system that serves the streams, the
 * names its streams get, the config its clients need and the checkpoint manager.
 *
 * <ul>
 *   <li>{@code inmemory}: streams on the heap of this JVM ({@link InMemoryStreams}), named as in
 *       the plan; checkpoints wherever the caller keeps them (a local run's environment).
 *   <li>{@code kafka}: every stream a topic named {@code beamsamza-<jobId>-<plan stream>} (the plan
 *       stream names start with the job name), created on start with the stream's partition count;
 *       broadcast (side-input) topics keep everything ({@code retention.ms=-1}), since they are
 *       read whole at every start; changelogs {@code
 *       beamsamza-<jobId>-<jobName>-state-changelog-<stage>}, compacted; checkpoints in the
 *       compacted topic {@code beamsamza-<jobId>-<jobName>-checkpoints}.
 * </ul>
 */
public final class JobStreams {
  public static final String INMEMORY = "inmemory";
  public static final String KAFKA = "kafka";

  private final String system;
  private final SystemFactory factory;
  private final CheckpointManager checkpoints;
  private final Map<String, String> config;
  private final String streamPrefix;
  private final String changelogPrefix;
  private final InMemoryStreams inMemoryStreams;

  private JobStreams(
      String system,
      SystemFactory factory,
      CheckpointManager checkpoints,
      Map<String, String> config,
      String streamPrefix,
      String changelogPrefix,
      InMemoryStreams inMemoryStreams) {
    this.system = system;
    this.factory = factory;
    this.checkpoints = checkpoints;
    this.config = Map.copyOf(config);
    this.streamPrefix = streamPrefix;
    this.changelogPrefix = changelogPrefix;
    this.inMemoryStreams = inMemoryStreams;
  }

  /** The embedded default: streams on this JVM's heap, checkpoints where the caller keeps them. */
  public static JobStreams inMemory(InMemoryStreams streams, CheckpointManager checkpoints) {
    return new JobStreams(
        INMEMORY,
        new InMemorySystemFactory(streams),
        checkpoints,
        Map.of(),
        "",
        StateStoreConfig.CHANGELOG_STREAM_PREFIX,
        streams);
  }

  /** Topics on the Kafka cluster of the options, named from the job name and {@code --jobId}. */
  public static JobStreams kafka(SamzaPipelineOptions options, String jobName) {
    Map<String, String> config = new HashMap<>();
    config.put(
        "systems." + KAFKA + "." + KafkaClientConfig.BOOTSTRAP_SERVERS,
        options.getKafkaBootstrapServers());
    KafkaOptions.parseConfig(options.getKafkaConfig())
        .forEach((k, v) -> config.put("systems." + KAFKA + ".kafka." + k, v));
    if (options.getKafkaReplicationFactor() != null) {
      // Every topic the job creates: streams, changelogs, checkpoints (KafkaSystemAdmin).
      config.put(
          "systems." + KAFKA + ".default.stream.replication.factor",
          Integer.toString(options.getKafkaReplicationFactor()));
    }
    String prefix = "beamsamza-" + options.getJobId() + "-";
    String checkpointTopic = checkpointTopic(options.getJobId(), jobName);
    return new JobStreams(
        KAFKA,
        new KafkaSystemFactory(),
        new KafkaCheckpointManager(KAFKA, new Config(config), checkpointTopic),
        config,
        prefix,
        prefix + jobName + "-state-changelog",
        null);
  }

  /**
   * The checkpoint topic of a job on Kafka: {@code beamsamza-<jobId>-<jobName>-checkpoints}, where
   * {@code jobName} is the plan's (sanitized) job name.
   */
  public static String checkpointTopic(String jobId, String jobName) {
    return "beamsamza-" + jobId + "-" + jobName + "-checkpoints";
  }

  /**
   * The system of the options' {@code --system}; {@code inMemory} and {@code checkpoints} serve the
   * in-memory system only.
   */
  public static JobStreams forOptions(
      SamzaPipelineOptions options,
      String jobName,
      InMemoryStreams inMemory,
      CheckpointManager checkpoints) {
    return KAFKA.equals(options.getSystem())
        ? kafka(options, jobName)
        : inMemory(inMemory, checkpoints);
  }

  /** Name of the system serving the streams. */
  public String system() {
    return system;
  }

  public SystemFactory factory() {
    return factory;
  }

  public CheckpointManager checkpoints() {
    return checkpoints;
  }

  /** Container config entries the system's clients need ({@code systems.<system>.*}). */
  public Map<String, String> config() {
    return config;
  }

  /** What an intermediate stream of the plan is called on the system. */
  public String streamPrefix() {
    return streamPrefix;
  }

  /** The state store's changelog setting: {@code <system>.<stream prefix>}, a stream per stage. */
  public String changelogSpec() {
    return system + "." + changelogPrefix;
  }

  /**
   * Creates the stream the metrics snapshot reporter writes to, if missing: one partition, named as
   * given (not prefixed: as Samza's {@code metrics} topic, it may serve several jobs, whose
   * snapshots name them in their headers), never trimmed.
   */
  public void createMetricsStream(String name) {
    StreamSpec spec = new StreamSpec(new SystemStream(system, name), 1, false, Map.of());
    if (inMemoryStreams != null) {
      inMemoryStreams.createStream(spec);
      return;
    }
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin(system, new Config(config))) {
      admin.createStream(spec);
    }
  }

  /** Creates the plan's intermediate streams (on Kafka: verifies those that exist). */
  public void createStreams(List<StreamDef> streams) {
    if (inMemoryStreams != null) {
      for (StreamDef stream : streams) {
        inMemoryStreams.createStream(
            StreamSpec.intermediate(
                new SystemStream(system, streamPrefix + stream.name()), stream.partitionCount()));
      }
      return;
    }
    if (streams.isEmpty()) {
      return;
    }
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin(system, new Config(config))) {
      for (StreamDef stream : streams) {
        // A broadcast (side-input) stream is read whole at every start: keep all of it.
        admin.createStream(
            new StreamSpec(
                new SystemStream(system, streamPrefix + stream.name()),
                stream.partitionCount(),
                true,
                stream.broadcast()
                    ? Map.of("retention.ms", "-1", "retention.bytes", "-1")
                    : Map.of()));
      }
    }
  }
}
