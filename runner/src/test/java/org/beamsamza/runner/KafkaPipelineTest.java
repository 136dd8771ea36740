package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@code --system=kafka} on a real in-process KRaft broker: every intermediate stream is a topic
 * named from the job name and {@code --jobId}, checkpoints go to the job's checkpoint topic, and
 * results are exact.
 */
public class KafkaPipelineTest implements java.io.Serializable {
  private static final AtomicInteger JOB_IDS = new AtomicInteger();
  private static EmbeddedKafkaBroker broker;

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static SamzaPipelineOptions kafkaOptions(String jobName) {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setJobName(jobName);
    options.setJobId("run" + JOB_IDS.incrementAndGet());
    options.setSystem("kafka");
    options.setKafkaBootstrapServers(broker.bootstrapServers());
    options.setKafkaConfig("client.dns.lookup=use_all_dns_ips,request.timeout.ms=30000");
    options.setCommitMs(200);
    return options;
  }

  /** Topics of the job (beamsamza-<jobId>-...) and their descriptions. */
  private static Map<String, TopicDescription> topicsOf(String jobId) throws Exception {
    try (Admin admin = admin()) {
      List<String> names = new ArrayList<>();
      for (String t : admin.listTopics().names().get()) {
        if (t.startsWith("beamsamza-" + jobId + "-")) {
          names.add(t);
        }
      }
      return new TreeMap<>(admin.describeTopics(names).allTopicNames().get());
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static String cleanupPolicy(String topic) throws Exception {
    try (Admin admin = admin()) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy").value();
    }
  }

  private static long endOffsetSum(TopicDescription topic) throws Exception {
    try (var consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
            Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "key.deserializer",
                "org.apache.kafka.common.serialization.ByteArrayDeserializer",
                "value.deserializer",
                "org.apache.kafka.common.serialization.ByteArrayDeserializer"))) {
      List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
      topic
          .partitions()
          .forEach(
              p ->
                  tps.add(new org.apache.kafka.common.TopicPartition(topic.name(), p.partition())));
      return consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Test
  public void keyedCountIsExactAndItsRepartitionTopicsExistWithTheParallelismAsPartitionCount()
      throws Exception {
    final long n = 20_000;
    final int keys = 37;
    SamzaPipelineOptions options = kafkaOptions("kafka-count");
    options.setParallelism(3);
    options.setContainers(2);
    Pipeline p = Pipeline.create(options);
    PCollection<KV<Long, Long>> counts =
        p.apply(GenerateSequence.from(0).to(n))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(i -> KV.of(i % keys, i)))
            .apply(Count.perKey());
    List<KV<Long, Long>> expected = new ArrayList<>();
    for (long k = 0; k < keys; k++) {
      expected.add(KV.of(k, n / keys + (k < n % keys ? 1 : 0)));
    }
    PAssert.that(counts).containsInAnyOrder(expected);
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(p, result);

    Map<String, TopicDescription> topics = topicsOf(options.getJobId());
    String prefix = "beamsamza-" + options.getJobId() + "-kafka-count-";
    int keyed = 0;
    for (TopicDescription t : topics.values()) {
      assertTrue(
          "topic " + t.name() + " named from job id and job name", t.name().startsWith(prefix));
      if (t.name().contains("-keyed-")) {
        keyed++;
        assertEquals("partitions of " + t.name(), 3, t.partitions().size());
        assertEquals("delete", cleanupPolicy(t.name()));
      }
    }
    // Count.perKey's GroupByKey repartitions once; PAssert adds exchanges of its own.
    assertThat("repartition topics in " + topics.keySet(), keyed, greaterThan(0));
    TopicDescription checkpoints = topics.get(prefix + "checkpoints");
    assertTrue("checkpoint topic in " + topics.keySet(), checkpoints != null);
    assertEquals(1, checkpoints.partitions().size());
    assertEquals("compact", cleanupPolicy(checkpoints.name()));
    assertThat("checkpoints written", endOffsetSum(checkpoints), greaterThan(0L));
  }

  @Test
  public void statefulPipelineWithChangelogOnKafka() throws Exception {
    final long elements = 5_000;
    final long windowMs = StatefulPipelineTest.WINDOW_MS;
    final int keys = StatefulPipelineTest.KEYS;
    SamzaPipelineOptions options = kafkaOptions("kafka-stateful");
    options.setParallelism(2);
    options.setContainers(2);
    options.setStateChangelog(true);
    Pipeline p = Pipeline.create(options);
    PCollection<String> sums =
        p.apply(GenerateSequence.from(0).to(elements).withTimestampFn(i -> new Instant(i)))
            .apply(Window.into(FixedWindows.of(Duration.millis(windowMs))))
            .apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via(i -> KV.of("k" + (i % keys), i)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply(ParDo.of(new StatefulPipelineTest.SumAtEndOfWindow()));
    long windows = (elements + windowMs - 1) / windowMs;
    long[][] expectedSums = new long[keys][(int) windows];
    for (long i = 0; i < elements; i++) {
      expectedSums[(int) (i % keys)][(int) (i / windowMs)] += i;
    }
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      for (int w = 0; w < windows; w++) {
        expected.add("k" + k + "@" + (w * windowMs) + "=" + expectedSums[k][w]);
      }
    }
    PAssert.that(sums).containsInAnyOrder(expected);
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(p, result);

    Map<String, TopicDescription> topics = topicsOf(options.getJobId());
    int changelogs = 0;
    long changelogRecords = 0;
    for (TopicDescription t : topics.values()) {
      if (t.name().contains("-state-changelog-")) {
        changelogs++;
        assertEquals("compact", cleanupPolicy(t.name()));
        assertEquals("partitions of " + t.name(), 2, t.partitions().size());
        changelogRecords += endOffsetSum(t);
      }
    }
    assertThat("changelog topics in " + topics.keySet(), changelogs, greaterThan(0));
    assertThat("records in the changelog topics", changelogRecords, greaterThan(0L));
  }

  private static Pipeline keyedCount(SamzaPipelineOptions options) {
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(100))
        .apply(
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via(i -> KV.of(i % 7, i)))
        .apply(Count.perKey());
    return p;
  }

  @Test
  public void aRunWithTheSameJobIdButAnotherParallelismFailsAtStartNamingTheTopic() {
    SamzaPipelineOptions first = kafkaOptions("kafka-reparallel");
    first.setParallelism(3);
    assertThat(keyedCount(first).run().waitUntilFinish(), equalTo(PipelineResult.State.DONE));

    SamzaPipelineOptions second = kafkaOptions("kafka-reparallel");
    second.setJobId(first.getJobId());
    second.setParallelism(2);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> keyedCount(second).run());
    assertThat(
        e.getMessage(), containsString("beamsamza-" + first.getJobId() + "-kafka-reparallel"));
    assertThat(e.getMessage(), containsString("exists with 3 partitions but the job expects 2"));
  }

  private static IllegalArgumentException runFails(SamzaPipelineOptions options) {
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(10));
    return assertThrows(IllegalArgumentException.class, p::run);
  }

  @Test
  public void badOptionsFailAtRunNamingTheOption() {
    SamzaPipelineOptions noServers = kafkaOptions("bad");
    noServers.setKafkaBootstrapServers(null);
    assertThat(
        runFails(noServers).getMessage(),
        containsString("--system=kafka needs --kafkaBootstrapServers"));

    SamzaPipelineOptions unknownSystem = kafkaOptions("bad");
    unknownSystem.setSystem("rabbit");
    assertThat(runFails(unknownSystem).getMessage(), containsString("--system must be"));

    SamzaPipelineOptions badConfig = kafkaOptions("bad");
    badConfig.setKafkaConfig("acks=all,sasl.password");
    assertThat(runFails(badConfig).getMessage(), containsString("--kafkaConfig"));

    SamzaPipelineOptions badJobId = kafkaOptions("bad");
    badJobId.setJobId("a/b");
    assertThat(runFails(badJobId).getMessage(), containsString("--jobId"));

    SamzaPipelineOptions badReplication = kafkaOptions("bad");
    badReplication.setKafkaReplicationFactor(0);
    assertThat(runFails(badReplication).getMessage(), containsString("--kafkaReplicationFactor"));
  }

  /**
   * The replication factor reaches every topic the job creates: 1 works on this one-broker cluster,
   * 2 cannot be met by it and fails the start naming the topic.
   */
  @Test
  public void kafkaReplicationFactorAppliesToTheJobsTopics() throws Exception {
    SamzaPipelineOptions options = kafkaOptions("kafka-rf");
    options.setKafkaReplicationFactor(1);
    options.setParallelism(2);
    Pipeline p = Pipeline.create(options);
    PAssert.that(
            p.apply(GenerateSequence.from(0).to(100))
                .apply(WithKeys.of((Long i) -> i % 3).withKeyType(TypeDescriptors.longs()))
                .apply(Count.perKey())
                .apply(Values.create()))
        .containsInAnyOrder(34L, 33L, 33L);
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    TestPipeline.verifyPAssertsSucceeded(p, result);

    SamzaPipelineOptions tooMany = kafkaOptions("kafka-rf2");
    tooMany.setKafkaReplicationFactor(2);
    Pipeline q = Pipeline.create(tooMany);
    q.apply(GenerateSequence.from(0).to(10))
        .apply(WithKeys.of((Long i) -> i).withKeyType(TypeDescriptors.longs()))
        .apply(Count.perKey());
    Exception e = assertThrows(Exception.class, q::run);
    assertThat(String.valueOf(e.getMessage()) + " / " + e.getCause(), containsString("beamsamza-"));
  }
}
