package org.beamsamza.kafka;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic metadata and lifecycle on a Kafka cluster, through one {@link Admin} client (created on
 * first use; {@link #close} releases it). Thread safe.
 *
 * <p>Stream specs map to topics: the stream name is the topic name, the partition count is the
 * topic's, the spec's properties are topic configs (e.g. {@code cleanup.policy=compact}) except
 * {@link #REPLICATION_FACTOR}, which sets the replication factor; without it {@code
 * systems.<name>.default.stream.replication.factor} applies, else the broker's default.
 *
 * <p>{@link #deleteMessages} deletes records only from streams this admin created or verified as
 * intermediate ({@link StreamSpec#isIntermediate}); other streams are never trimmed.
 */
public final class KafkaSystemAdmin implements SystemAdmin, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSystemAdmin.class);

  /** Stream-spec property giving the topic's replication factor. */
  public static final String REPLICATION_FACTOR = "replication.factor";

  private static final Comparator<String> NUMERIC =
      Comparator.comparingLong(KafkaSystemAdmin::parseOffset);

  private final KafkaClientConfig clientConfig;
  private final long timeoutMs;
  private final Set<SystemStream> intermediate = ConcurrentHashMap.newKeySet();

  /** Topics this admin created or verified and saw ready (metadata, leaders, offsets). */
  private final Set<String> ready = ConcurrentHashMap.newKeySet();

  private Admin admin;
  private boolean closed;

  public KafkaSystemAdmin(String systemName, org.beamsamza.runtime.config.Config config) {
    this.clientConfig = new KafkaClientConfig(systemName, config);
    this.timeoutMs = config.getLong(clientConfig.key("admin.timeout.ms"), 60_000);
  }

  private synchronized Admin admin() {
    if (closed) {
      throw new IllegalStateException("Kafka admin of " + clientConfig.systemName() + " closed");
    }
    if (admin == null) {
      Map<String, Object> props =
          clientConfig.forClient(
              "admin", Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "beamsamza-admin-" + name()));
      LOG.info("Kafka admin for system {}: {}", name(), KafkaClientConfig.redact(props));
      admin = Admin.create(props);
    }
    return admin;
  }

  private String name() {
    return clientConfig.systemName();
  }

  /** " (brokers host:port,...)", for messages. */
  private String brokers() {
    return " (brokers " + clientConfig.common().get(KafkaClientConfig.BOOTSTRAP_SERVERS) + ")";
  }

  private void checkSystem(SystemStream stream) {
    if (!stream.getSystem().equals(name())) {
      throw new IllegalArgumentException(stream + " does not belong to system " + name());
    }
  }

  @Override
  public boolean createStream(StreamSpec spec) {
    SystemStream stream = spec.getSystemStream();
    checkSystem(stream);
    String topic = stream.getStream();
    Map<String, String> topicConfigs = new HashMap<>(spec.getProperties());
    String rf = topicConfigs.remove(REPLICATION_FACTOR);
    if (rf == null) {
      rf = clientConfig.config().get(clientConfig.key("default.stream.replication.factor"));
    }
    Optional<Short> replication = rf == null ? Optional.empty() : Optional.of(Short.parseShort(rf));
    boolean created;
    Optional<TopicDescription> existing = describe(topic);
    if (existing.isPresent()) {
      verify(spec, existing.get(), topicConfigs);
      created = false;
    } else {
      NewTopic newTopic =
          new NewTopic(topic, Optional.of(spec.getPartitionCount()), replication)
              .configs(topicConfigs);
      try {
        await(admin().createTopics(List.of(newTopic)).all(), "create topic " + topic);
        LOG.info("Created topic {} for {}", topic, spec);
        created = true;
      } catch (KafkaOperationException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Someone else created it in between, or it was created but this broker's metadata
        // does not show it yet: wait until it is visible, then check it like any existing topic.
        verify(spec, awaitVisible(topic, deadline()), topicConfigs);
        created = false;
      }
    }
    // The controller has the topic; the brokers' metadata and partition leaders follow
    // asynchronously. Return only once its offsets can be listed, so that callers (offsets,
    // consumers, producers) see a usable topic.
    awaitReady(topic, spec.getPartitionCount(), deadline());
    if (spec.isIntermediate()) {
      intermediate.add(stream);
    }
    return created;
  }

  private void verify(StreamSpec spec, TopicDescription existing, Map<String, String> configs) {
    String topic = existing.name();
    int actual = existing.partitions().size();
    if (actual != spec.getPartitionCount()) {
      throw new IllegalStateException(
          "Topic "
              + topic
              + " of system "
              + name()
              + " exists with "
              + actual
              + " partitions but the job expects "
              + spec.getPartitionCount()
              + " (a different count would route keys to the wrong tasks): delete the topic or"
              + " fix the job's parallelism");
    }
    String expectedPolicy =
        configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    String actualPolicy = cleanupPolicy(topic);
    if (!normalizePolicy(expectedPolicy).equals(normalizePolicy(actualPolicy))) {
      throw new IllegalStateException(
          "Topic "
              + topic
              + " of system "
              + name()
              + " exists with cleanup.policy="
              + actualPolicy
              + " but the job expects cleanup.policy="
              + expectedPolicy);
    }
  }

  private static String normalizePolicy(String policy) {
    return String.join(
        ",", new java.util.TreeSet<>(List.of(policy.replace(" ", "").toLowerCase().split(","))));
  }

  private String cleanupPolicy(String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    var configs =
        retrying(
            () -> admin().describeConfigs(List.of(resource)).all(),
            "describe configs of topic " + topic,
            deadline());
    ConfigEntry entry = configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG);
    return entry == null || entry.value() == null
        ? TopicConfig.CLEANUP_POLICY_DELETE
        : entry.value();
  }

  private Optional<TopicDescription> describe(String topic) {
    try {
      return Optional.of(
          await(admin().describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
              .get(topic));
    } catch (KafkaOperationException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Now plus the admin timeout: the bound of one operation, retries included. */
  private long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /**
   * The description of a topic that exists (the controller said so) but may not be in this broker's
   * metadata yet: retried until it is, up to the deadline, then a failure naming it.
   */
  private TopicDescription awaitVisible(String topic, long deadline) {
    return retrying(
            () -> admin().describeTopics(List.of(topic)).allTopicNames(),
            "describe topic " + topic + " (it exists on the controller)",
            deadline)
        .get(topic);
  }

  /**
   * Waits until the topic is in the metadata with {@code partitions} partitions, each with a
   * leader, and the leaders answer offset requests; retriable errors (unknown topic or partition,
   * no leader yet, not the leader) are retried with backoff up to the deadline. Then the topic is
   * known to this admin: offset calls on it retry such errors too.
   */
  private void awaitReady(String topic, int partitions, long deadline) {
    long backoffMs = 20;
    String state;
    while (true) {
      TopicDescription d = awaitVisible(topic, deadline);
      long leaderless =
          d.partitions().stream().filter(p -> p.leader() == null || p.leader().isEmpty()).count();
      if (d.partitions().size() == partitions && leaderless == 0) {
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
          all.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        retrying(
            () -> admin().listOffsets(all).all(), "list offsets of new topic " + topic, deadline);
        ready.add(topic);
        return;
      }
      state =
          d.partitions().size()
              + " partitions ("
              + partitions
              + " expected), "
              + leaderless
              + " without a leader";
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) - deadline > 0) {
        throw new KafkaOperationException(
            "Kafka system "
                + name()
                + ": topic "
                + topic
                + " did not become ready within "
                + timeoutMs
                + " ms ("
                + clientConfig.key("admin.timeout.ms")
                + "): its metadata shows "
                + state,
            null);
      }
      sleep(backoffMs, topic);
      backoffMs = Math.min(1_000, backoffMs * 2);
    }
  }

  /**
   * Runs an admin call, retrying Kafka's retriable errors (metadata not propagated yet, no leader,
   * a timed-out request) with exponential backoff until the deadline; other errors at once.
   */
  private <T> T retrying(Supplier<KafkaFuture<T>> call, String what, long deadline) {
    long backoffMs = 20;
    int attempts = 0;
    while (true) {
      attempts++;
      long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        return await(call.get(), what, leftMs);
      } catch (KafkaOperationException e) {
        boolean retriable = e.getCause() instanceof RetriableException;
        if (!retriable
            || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) - deadline > 0) {
          if (attempts == 1) {
            throw e;
          }
          throw new KafkaOperationException(
              e.getMessage()
                  + " (after "
                  + attempts
                  + " attempts; retriable errors are retried for "
                  + timeoutMs
                  + " ms, "
                  + clientConfig.key("admin.timeout.ms")
                  + ")",
              e.getCause());
        }
        LOG.debug("Retrying to {} in {} ms: {}", what, backoffMs, e.getCause().toString());
        sleep(backoffMs, what);
        backoffMs = Math.min(1_000, backoffMs * 2);
      }
    }
  }

  private static void sleep(long ms, String what) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaOperationException("Interrupted while waiting to " + what, e);
    }
  }

  @Override
  public int getPartitionCount(SystemStream stream) {
    checkSystem(stream);
    return describe(stream.getStream())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Topic " + stream.getStream() + " of system " + name() + " does not exist"))
        .partitions()
        .size();
  }

  @Override
  public String getOffsetAfter(SystemStreamPartition ssp, String offset) {
    return Long.toString(parseOffset(offset) + 1);
  }

  @Override
  public String getOldestOffset(SystemStreamPartition ssp) {
    long[] range = range(ssp);
    return range[0] >= range[1] ? null : Long.toString(range[0]);
  }

  @Override
  public String getNewestOffset(SystemStreamPartition ssp) {
    long[] range = range(ssp);
    return range[0] >= range[1] ? null : Long.toString(range[1] - 1);
  }

  /**
   * [log start offset, end offset) of the partition. A topic just created (by this task or, for a
   * changelog, by a sibling task that got there first) can be described before its partitions have
   * leaders, and then listing offsets fails with a retriable UnknownTopicOrPartition: retried until
   * the admin's timeout, as any other wait on the broker.
   */
  private long[] range(SystemStreamPartition ssp) {
    checkSystem(ssp.getSystemStream());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      try {
        return rangeOnce(ssp);
      } catch (KafkaOperationException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(RETRY_BACKOFF_MS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Pause between attempts to list the offsets of a partition not ready yet. */
  private static final long RETRY_BACKOFF_MS = 50;

  private long[] rangeOnce(SystemStreamPartition ssp) {
    TopicPartition tp = topicPartition(ssp);
    if (ready.contains(tp.topic())) {
      // Created or verified here: an unknown partition or missing leader is metadata catching up.
      long deadline = deadline();
      long start =
          retrying(
                  () -> admin().listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp),
                  "list the oldest offset of " + ssp,
                  deadline)
              .offset();
      long end =
          retrying(
                  () -> admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp),
                  "list the newest offset of " + ssp,
                  deadline)
              .offset();
      return new long[] {start, end};
    }
    ListOffsetsResult earliest = admin().listOffsets(Map.of(tp, OffsetSpec.earliest()));
    ListOffsetsResult latest = admin().listOffsets(Map.of(tp, OffsetSpec.latest()));
    long start = await(earliest.partitionResult(tp), "list offsets of " + ssp).offset();
    long end = await(latest.partitionResult(tp), "list offsets of " + ssp).offset();
    return new long[] {start, end};
  }

  @Override
  public Comparator<String> offsetComparator() {
    return NUMERIC;
  }

  @Override
  public void deleteMessages(Map<SystemStreamPartition, String> upToInclusive) {
    Map<TopicPartition, RecordsToDelete> deletes = new HashMap<>();
    upToInclusive.forEach(
        (ssp, offset) -> {
          if (intermediate.contains(ssp.getSystemStream()) && offset != null) {
            deletes.put(topicPartition(ssp), RecordsToDelete.beforeOffset(parseOffset(offset) + 1));
          }
        });
    if (!deletes.isEmpty()) {
      await(admin().deleteRecords(deletes).all(), "delete records " + deletes.keySet());
    }
  }

  /** Deletes topics (tests and tools). */
  public void deleteStreams(Collection<SystemStream> streams) {
    List<String> topics = streams.stream().map(SystemStream::getStream).toList();
    await(admin().deleteTopics(topics).all(), "delete topics " + topics);
  }

  static TopicPartition topicPartition(SystemStreamPartition ssp) {
    return new TopicPartition(ssp.getStream(), ssp.getPartition());
  }

  static long parseOffset(String offset) {
    try {
      return Long.parseLong(offset);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a Kafka offset: " + offset, e);
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) {
    return await(future, what, timeoutMs);
  }

  private <T> T await(KafkaFuture<T> future, String what, long timeoutMs) {
    try {
      return future.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KafkaOperationException(
          "Kafka system " + name() + brokers() + " failed to " + what + ": " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaOperationException(
          "Kafka system " + name() + brokers() + " timed out after " + timeoutMs + " ms to " + what,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaOperationException("Interrupted while trying to " + what, e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }

  /** A failed or timed-out Kafka admin operation; the cause is Kafka's error. */
  public static final class KafkaOperationException extends RuntimeException {
    KafkaOperationException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
