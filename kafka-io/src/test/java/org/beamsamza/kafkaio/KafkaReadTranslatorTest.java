package org.beamsamza.kafkaio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.kafka.KafkaSystemFactory;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.ExternalSystemSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.task.StageTask;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * What the translator makes of KafkaIO reads (partition counts come from a real broker): one input
 * partition per topic partition on a {@code kafkaio-<n>} system configured from the read, the
 * stage's task count following the largest topic, and which settings take the generic path or fail.
 */
public class KafkaReadTranslatorTest {
  private static EmbeddedKafkaBroker broker;

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    KafkaTopics topics = new KafkaTopics(broker);
    topics.create("three", 3);
    topics.create("five", 5);
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaIO.Read<String, String> read(String... topics) {
    return KafkaIO.<String, String>read()
        .withBootstrapServers(broker.bootstrapServers())
        .withTopics(List.of(topics))
        .withKeyDeserializer(StringDeserializer.class)
        .withValueDeserializer(StringDeserializer.class);
  }

  private static ExecutionPlan plan(
      UnaryOperator<SamzaPipelineOptions> configure, KafkaIO.Read<?, ?>... reads) {
    SamzaPipelineOptions options = configure.apply(NativeKafkaReadTest.options("plan"));
    Pipeline p = Pipeline.create(options);
    for (int i = 0; i < reads.length; i++) {
      p.apply("Read" + i, reads[i]);
    }
    return SamzaRunner.translate(p, options);
  }

  private static ExecutionPlan plan(KafkaIO.Read<?, ?>... reads) {
    return plan(o -> o, reads);
  }

  @Test
  public void eachTopicPartitionIsAnInputPartitionOfTheReadStage() {
    ExecutionPlan plan = plan(read("three", "five"));
    assertThat(plan.describe(), plan.stages().size(), equalTo(1));
    StagePlan stage = plan.stages().get(0);
    assertThat("the largest partition count", stage.taskCount(), equalTo(5));
    Map<String, Integer> inputs = new TreeMap<>();
    for (SourceInputSpec source : stage.sourceInputs()) {
      assertThat(source.kind(), equalTo(SourceInputSpec.Kind.EXTERNAL));
      assertThat(source.external().system(), equalTo("kafkaio-0"));
      assertThat(source.external().stepName(), equalTo("Read0"));
      inputs.put(source.stream(), source.partitionCount());
    }
    assertThat(inputs, equalTo(Map.of("three", 3, "five", 5)));
    assertThat(plan.unboundedSources(), anEmptyMap());

    // The job model: task i reads partition i of each topic that has one.
    StageTask.Systems systems = new StageTask.Systems("s", "u", "inmemory", "t");
    List<List<String>> tasks = new ArrayList<>();
    for (ContainerModel c :
        JobModelPlanner.plan(JobAssembly.stageSpecs(plan, systems), 2).getContainers().values()) {
      for (TaskModel t : c.getTasks().values()) {
        List<String> read = new ArrayList<>();
        for (SystemStreamPartition ssp : t.getInputs()) {
          read.add(ssp.getStream() + "[" + ssp.getPartition() + "]@" + t.getTaskIndex());
        }
        read.sort(null);
        tasks.add(read);
      }
    }
    tasks.sort((a, b) -> a.toString().compareTo(b.toString()));
    assertThat(
        tasks.toString(),
        equalTo(
            "[[five[0]@0, three[0]@0], [five[1]@1, three[1]@1], [five[2]@2, three[2]@2],"
                + " [five[3]@3], [five[4]@4]]"));
  }

  @Test
  public void theSystemIsConfiguredFromTheReadsConsumerConfig() {
    ExecutionPlan plan =
        plan(
            read("three")
                .withConsumerConfigUpdates(
                    Map.of(
                        "auto.offset.reset", "earliest",
                        "security.protocol", "PLAINTEXT",
                        "fetch.min.bytes", 1,
                        "group.id", "ignored")));
    ExternalSystemSpec system = plan.externalSystems().get("kafkaio-0");
    assertThat(system.factoryClass(), equalTo(KafkaSystemFactory.class.getName()));
    Map<String, String> config = system.config();
    assertThat(
        config,
        allOf(
            hasEntry("bootstrap.servers", broker.bootstrapServers()),
            hasEntry("samza.offset.default", "oldest"),
            hasEntry("samza.record.metadata", "true"),
            hasEntry("consumer.auto.offset.reset", "earliest"),
            hasEntry("consumer.fetch.min.bytes", "1"),
            hasEntry("kafka.security.protocol", "PLAINTEXT")));
    assertThat(config, not(hasKey("consumer.key.deserializer")));
    assertThat(config, not(hasKey("consumer.group.id")));
    // KafkaIO's default: the latest offset.
    assertThat(
        plan(read("three")).externalSystems().get("kafkaio-0").config(),
        hasEntry("samza.offset.default", "upcoming"));
  }

  @Test
  public void readsShareASystemUnlessTheyReadTheSameTopic() {
    assertThat(plan(read("three"), read("five")).externalSystems().keySet().size(), equalTo(1));
    assertThat(plan(read("three"), read("three")).externalSystems().keySet().size(), equalTo(2));
  }

  @Test
  public void genericPathByOptionExperimentOrSetting() {
    for (ExecutionPlan plan :
        List.of(
            plan(
                o -> {
                  o.as(NativeKafkaIoOptions.class).setNativeKafkaIO(false);
                  return o;
                },
                read("three")),
            plan(
                o -> {
                  o.as(ExperimentalOptions.class).setExperiments(List.of("use_sdf_read"));
                  return o;
                },
                read("three")),
            plan(
                read("three")
                    .commitOffsetsInFinalize()
                    .withConsumerConfigUpdates(Map.of("group.id", "g"))))) {
      assertThat(plan.externalSystems(), anEmptyMap());
      assertThat(plan.describe(), not(containsString("kafkaio")));
    }
    assertThat(
        PipelineOptionsFactory.fromArgs("--nativeKafkaIO=false")
            .as(NativeKafkaIoOptions.class)
            .getNativeKafkaIO(),
        equalTo(false));
  }

  @Test
  public void settingsNeitherPathRunsFailNamingStepAndSetting() {
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () ->
                plan(read("three").withConsumerConfigUpdates(Map.of("auto.offset.reset", "none"))));
    assertThat(
        e.getMessage(), allOf(containsString("Read0"), containsString("auto.offset.reset=none")));
  }

  @Test
  public void aMissingTopicFailsNamingStepAndTopic() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> plan(read("no-such-topic")));
    assertThat(e.getMessage(), allOf(containsString("Read0"), containsString("no-such-topic")));
  }
}
