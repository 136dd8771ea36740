package org.beamsamza.kafkaio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.runner.SamzaRunner;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The native KafkaIO read end to end on a real in-process KRaft broker. */
public class NativeKafkaReadTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static EmbeddedKafkaBroker broker;
  private static KafkaTopics topics;

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    topics = new KafkaTopics(broker);
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  static SamzaPipelineOptions options(String jobName) {
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setJobName(jobName);
    options.setParallelism(4);
    options.setContainers(2);
    return options;
  }

  @Test
  public void keyedCountFromKafkaToKafkaIsExact() throws Exception {
    String in = "count-in-" + IDS.incrementAndGet();
    String out = "count-out-" + IDS.get();
    topics.create(in, 4);
    topics.create(out, 2);
    KeyedCountJob.Input input = KeyedCountJob.input(in, 20_000, 50, 300_000);
    topics.write(input.records);

    Pipeline p = Pipeline.create(options("keyed-count"));
    String bootstrap = broker.bootstrapServers();
    KeyedCountJob.build(p, KeyedCountJob.read(bootstrap, in), bootstrap, out);
    SamzaPipelineResult job = (SamzaPipelineResult) p.run();
    KeyedCountJob.Output output = new KeyedCountJob.Output();
    try {
      topics.readUntil(
          out, output::add, () -> output.counts.keySet().containsAll(input.expected.keySet()), job);
    } finally {
      job.cancel();
    }
    assertThat(output.counts, equalTo(input.expected));
    assertThat("duplicates", output.duplicates(), equalTo(0));
  }

  @Test
  public void topicsWithDifferentPartitionCountsAreReadByOneStage() throws Exception {
    String a = "multi-a-" + IDS.incrementAndGet();
    String b = "multi-b-" + IDS.get();
    String out = "multi-out-" + IDS.get();
    topics.create(a, 2);
    topics.create(b, 3);
    topics.create(out, 1);
    KeyedCountJob.Input inputA = KeyedCountJob.input(a, 5_000, 20, 120_000);
    KeyedCountJob.Input inputB = KeyedCountJob.input(b, 7_000, 20, 120_000);
    topics.write(inputA.records);
    topics.write(inputB.records);
    java.util.Map<String, Long> expected = new java.util.HashMap<>(inputA.expected);
    inputB.expected.forEach((k, v) -> expected.merge(k, v, Long::sum));

    String bootstrap = broker.bootstrapServers();
    Pipeline p = Pipeline.create(options("multi-topic"));
    KeyedCountJob.build(
        p, KeyedCountJob.read(bootstrap, a).withTopics(java.util.List.of(a, b)), bootstrap, out);
    SamzaPipelineResult job = (SamzaPipelineResult) p.run();
    KeyedCountJob.Output output = new KeyedCountJob.Output();
    try {
      topics.readUntil(
          out, output::add, () -> output.counts.keySet().containsAll(expected.keySet()), job);
    } finally {
      job.cancel();
    }
    assertThat(output.counts, equalTo(expected));
  }

  @Test
  public void genericPathStillRunsKafkaIoWhenNativeIsOff() throws Exception {
    String in = "generic-in-" + IDS.incrementAndGet();
    String out = "generic-out-" + IDS.get();
    topics.create(in, 2);
    topics.create(out, 1);
    KeyedCountJob.Input input = KeyedCountJob.input(in, 5_000, 10, 120_000);
    topics.write(input.records);

    SamzaPipelineOptions options = options("generic");
    options.as(NativeKafkaIoOptions.class).setNativeKafkaIO(false);
    String bootstrap = broker.bootstrapServers();
    Pipeline plan = Pipeline.create(options);
    KeyedCountJob.build(plan, KeyedCountJob.read(bootstrap, in), bootstrap, out);
    assertThat(
        "KafkaIO's own source, read by the generic unbounded path",
        org.beamsamza.runner.SamzaRunner.translate(plan, options).unboundedSources().size(),
        equalTo(1));

    Pipeline p = Pipeline.create(options);
    KeyedCountJob.build(p, KeyedCountJob.read(bootstrap, in), bootstrap, out);
    SamzaPipelineResult job = (SamzaPipelineResult) p.run();
    KeyedCountJob.Output output = new KeyedCountJob.Output();
    try {
      topics.readUntil(
          out, output::add, () -> output.counts.keySet().containsAll(input.expected.keySet()), job);
    } finally {
      job.cancel();
    }
    assertThat(output.counts, equalTo(input.expected));
  }

  @Test
  public void byDefaultAPartitionWithoutCheckpointStartsAtTheLatestOffset() throws Exception {
    String in = "latest-in-" + IDS.incrementAndGet();
    String out = "latest-out-" + IDS.get();
    topics.create(in, 2);
    topics.create(out, 1);
    java.util.List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> old =
        new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      old.add(
          new org.apache.kafka.clients.producer.ProducerRecord<>(in, bytes("k" + i), bytes("old")));
    }
    topics.write(old);

    String bootstrap = broker.bootstrapServers();
    Pipeline p = Pipeline.create(options("latest"));
    p.apply(
            org.apache.beam.sdk.io.kafka.KafkaIO.<String, String>read()
                .withBootstrapServers(bootstrap)
                .withTopic(in)
                .withKeyDeserializer(org.apache.kafka.common.serialization.StringDeserializer.class)
                .withValueDeserializer(
                    org.apache.kafka.common.serialization.StringDeserializer.class)
                .withoutMetadata())
        .apply(
            org.apache.beam.sdk.io.kafka.KafkaIO.<String, String>write()
                .withBootstrapServers(bootstrap)
                .withTopic(out)
                .withKeySerializer(org.apache.kafka.common.serialization.StringSerializer.class)
                .withValueSerializer(org.apache.kafka.common.serialization.StringSerializer.class));
    SamzaPipelineResult job = (SamzaPipelineResult) p.run();
    java.util.List<String> values = new java.util.ArrayList<>();
    int[] written = {0};
    try {
      // Write new records until some come out (the job fixed its start when its consumer started).
      topics.readUntil(
          out,
          r -> values.add(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)),
          () -> {
            if (!values.isEmpty()) {
              return true;
            }
            topics.write(
                java.util.List.of(
                    new org.apache.kafka.clients.producer.ProducerRecord<>(
                        in, bytes("n" + written[0]++), bytes("new"))));
            return false;
          },
          job);
    } finally {
      job.cancel();
    }
    assertThat(
        "nothing written before the job started is read", values.contains("old"), equalTo(false));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
