package org.beamsamza.runner;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.beamsamza.translation.GroupingOptions;

/** Options of {@link SamzaRunner}; each is validated at {@code run()} with a message naming it. */
public interface SamzaPipelineOptions extends GroupingOptions {
  @Description(
      "Partitions of every repartition stream and the most partitions a bounded source is split into;"
          + " so the most tasks a stage runs. Default: the number of processors.")
  @Default.InstanceFactory(AvailableProcessors.class)
  int getParallelism();

  void setParallelism(int value);

  @Description(
      "Containers (single-threaded run loops) the job's tasks are spread over. Default: the number of"
          + " processors, at most --parallelism.")
  @Default.InstanceFactory(DefaultContainers.class)
  int getContainers();

  void setContainers(int value);

  @Description("Elements a task processes before it finishes the open bundles.")
  @Default.Integer(1000)
  int getBundleSize();

  void setBundleSize(int value);

  @Description(
      "Milliseconds between window() ticks of every task: processing-time timers fire and open bundles"
          + " close on this tick (Samza's task.window.ms).")
  @Default.Long(100)
  long getWindowMs();

  void setWindowMs(long value);

  @Description(
      "Milliseconds between commits: bundles finish, outputs and stores flush, then input offsets are"
          + " checkpointed (Samza's task.commit.ms).")
  @Default.Long(1000)
  long getCommitMs();

  void setCommitMs(long value);

  /** Where keyed state and timers live. */
  enum StateBackend {
    /** RocksDB on local disk under --storeBaseDir: state may be far larger than the heap. */
    ROCKSDB,
    /** A sorted map on the heap: no native library or disk, for small state and tests. */
    MEMORY
  }

  @Description(
      "Store of keyed state and timers (GroupByKey, stateful ParDo): ROCKSDB (default; on disk, may be"
          + " larger than the heap) or MEMORY (on the heap, for small jobs).")
  @Default.Enum("ROCKSDB")
  StateBackend getStateBackend();

  void setStateBackend(StateBackend value);

  @Description(
      "Directory the tasks' RocksDB stores live in. Default: a new temporary directory per run,"
          + " deleted when the job ends; when set, the stores are kept there.")
  String getStoreBaseDir();

  void setStoreBaseDir(String value);

  @Description(
      "Entries of the write-back cache in front of each task's state store (0 disables it): hot"
          + " state cells are read and rewritten there instead of in RocksDB.")
  @Default.Integer(100_000)
  int getStateCacheEntries();

  void setStateCacheEntries(int value);

  @Description(
      "Bytes (keys plus values, approximately) the write-back cache of each task's state store may"
          + " hold on the heap.")
  @Default.Long(16L << 20)
  long getStateCacheBytes();

  void setStateCacheBytes(long value);

  @Description(
      "Log every write to a task's state store to a compacted changelog stream (one per stage, one"
          + " partition per task), from which a restarted task restores its store. Off by default on"
          + " the embedded in-memory system, which keeps streams on the heap and restarts no task.")
  @Default.Boolean(false)
  boolean getStateChangelog();

  void setStateChangelog(boolean value);

  @Description(
      "How long cancel() waits for the job's container threads to stop after interrupting them."
          + " A thread still running then (user code that ignores interrupts) is abandoned: the job"
          + " is CANCELLED and the thread runs on, as a daemon, until that code returns.")
  @Default.Long(10_000)
  long getCancelGraceMs();

  void setCancelGraceMs(long value);

  @Description(
      "How many times a failed container is restarted in place within --containerRetryWindowMs"
          + " before the job fails (Samza's cluster-manager.container.retry.count); 0 turns restarts"
          + " off. Restarts happen only where they can restore everything a container had: on"
          + " --system=kafka or with --stateChangelog=true, with state logged to a changelog, and no"
          + " TestStream.")
  @Default.Integer(8)
  int getContainerRetryCount();

  void setContainerRetryCount(int value);

  @Description(
      "Window of --containerRetryCount in milliseconds: restarts older than this are forgotten"
          + " (Samza's cluster-manager.container.retry.window.ms).")
  @Default.Long(300_000)
  long getContainerRetryWindowMs();

  void setContainerRetryWindowMs(long value);

  @Description(
      "Milliseconds a failed container waits before its restart; doubled for every restart of that"
          + " container still in the window, at most 30 s, so that a passing cause (a broker outage)"
          + " has time to pass.")
  @Default.Long(1_000)
  long getContainerRetryBackoffMs();

  void setContainerRetryBackoffMs(long value);

  @Description(
      "Where the job's containers run: local (default; as threads of this JVM) or yarn (on the YARN"
          + " cluster of HADOOP_CONF_DIR, with --system=kafka; needs the yarn-launcher artifact).")
  @Default.String("local")
  String getDeployment();

  void setDeployment(String value);

  @Description(
      "System of the job's intermediate streams (repartition, broadcast, state changelogs) and its"
          + " checkpoints: inmemory (default; on the heap of this JVM, nothing survives the process)"
          + " or kafka (topics on the cluster of --kafkaBootstrapServers, checkpoints in a compacted"
          + " topic; a run with the same --jobName and --jobId resumes from them).")
  @Default.String("inmemory")
  String getSystem();

  void setSystem(String value);

  @Description("Kafka brokers (host:port,...) for --system=kafka (Kafka's bootstrap.servers).")
  String getKafkaBootstrapServers();

  void setKafkaBootstrapServers(String value);

  @Description(
      "Kafka client settings passed through to every admin, producer and consumer of --system=kafka,"
          + " as key=value pairs separated by commas (e.g. security.protocol=SASL_SSL,"
          + "sasl.mechanism=PLAIN). Secret values are never logged.")
  String getKafkaConfig();

  void setKafkaConfig(String value);

  @Description(
      "Replication factor of the topics a --system=kafka job creates (repartition, broadcast,"
          + " changelog and checkpoint topics). Default: the brokers' default.replication.factor.")
  Integer getKafkaReplicationFactor();

  void setKafkaReplicationFactor(Integer value);

  @Description(
      "Id of this run of the job; with --system=kafka its topics are named"
          + " beamsamza-<jobId>-<jobName>-..., so a run with the same --jobName and --jobId finds"
          + " the topics and checkpoints of an earlier one. Letters, digits, '.', '_' and '-' only."
          + " Default: a fresh id per run.")
  @Default.InstanceFactory(FreshJobId.class)
  String getJobId();

  void setJobId(String value);

  @Description(
      "Runtime config entries applied on top of what the runner generates, as a JSON map (the"
          + " option of Beam's Samza runner), e.g. Samza's per-stream input settings:"
          + " {\"systems.<system>.streams.<stream>.samza.offset.default\":\"upcoming\"};"
          + " samza.reset.offset, samza.bootstrap and samza.priority likewise.")
  java.util.Map<String, String> getConfigOverride();

  void setConfigOverride(java.util.Map<String, String> value);

  @Description(
      "Metrics reporters every container runs, comma separated: jmx (MBeans of the platform server,"
          + " domain org.beamsamza), snapshot (a JSON snapshot of every container and task every"
          + " --metricsSnapshotIntervalMs to the stream --metricsSnapshotStream); empty for none.")
  @Default.String("jmx")
  String getMetricsReporters();

  void setMetricsReporters(String value);

  @Description(
      "Stream the snapshot reporter writes to, on the job's system (--system): a Kafka topic of"
          + " that name on Kafka (one partition, created if missing), an in-memory stream otherwise.")
  @Default.String("metrics")
  String getMetricsSnapshotStream();

  void setMetricsSnapshotStream(String value);

  @Description("Milliseconds between two metrics snapshots of the snapshot reporter.")
  @Default.Long(10_000)
  long getMetricsSnapshotIntervalMs();

  void setMetricsSnapshotIntervalMs(long value);

  @Description(
      "Port of a local job's status page (job graph, containers, tasks, lag, watermarks, failures;"
          + " the same as JSON under /status.json); 0 picks a free port, which the job logs. Unset:"
          + " no status page. On YARN the ApplicationMaster serves it as the tracking URL.")
  Integer getStatusPort();

  void setStatusPort(Integer value);

  @Description(
      "Milliseconds between two progress lines in the log (records read of the known total, stages"
          + " finished, watermarks); 0 turns them off. The job's summary is logged at its end either"
          + " way.")
  @Default.Long(10_000)
  long getProgressLogIntervalMs();

  void setProgressLogIntervalMs(long value);

  /** Default job id: fresh per run. */
  class FreshJobId implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return java.util.UUID.randomUUID().toString().substring(0, 8);
    }
  }

  /** Default parallelism: the processors of this machine. */
  class AvailableProcessors implements DefaultValueFactory<Integer> {
    @Override
    public Integer create(PipelineOptions options) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** Default containers: one per processor, never more than the parallelism. */
  class DefaultContainers implements DefaultValueFactory<Integer> {
    @Override
    public Integer create(PipelineOptions options) {
      int parallelism = options.as(SamzaPipelineOptions.class).getParallelism();
      return Math.max(1, Math.min(parallelism, Runtime.getRuntime().availableProcessors()));
    }
  }
}
