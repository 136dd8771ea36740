package org.beamsamza.kafkaio;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.apache.beam.sdk.Pipeline;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaPipelineResult;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.StagePlan;
import org.junit.Test;

/**
 * Issue 9's Kafka-to-Kafka keyed count over 1,000,000 records: KafkaIO read (native) of a topic of
 * 4 partitions -> fixed windows -> Count.perKey -> KafkaIO write, parallelism 4 on 2 containers.
 * The output topic must hold exactly the counts the test computed from the records it wrote. The
 * job is unbounded: it runs until the test has seen every expected output, then is cancelled.
 */
public class KafkaToKafkaMillionRecordsTest {
  static final int RECORDS = 1_000_000;
  static final int KEYS = 100;
  static final long SPAN_MS = 600_000; // 20 windows of 30 s

  @Test
  public void millionRecordKeyedCountIsExact() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaTopics topics = new KafkaTopics(broker);
      String bootstrap = broker.bootstrapServers();
      topics.create("million-in", 4);
      topics.create("million-out", 4);
      KeyedCountJob.Input input = KeyedCountJob.input("million-in", RECORDS, KEYS, SPAN_MS);
      long writeStart = System.nanoTime();
      topics.write(input.records);
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
      input.records.clear();

      SamzaPipelineOptions options = NativeKafkaReadTest.options("million");
      Pipeline plan = Pipeline.create(options);
      KeyedCountJob.build(
          plan, KeyedCountJob.read(bootstrap, "million-in"), bootstrap, "million-out");
      ExecutionPlan translated = org.beamsamza.runner.SamzaRunner.translate(plan, options);
      StagePlan readStage = translated.stages().get(0);
      assertThat("one task per topic partition", readStage.taskCount(), equalTo(4));

      Pipeline p = Pipeline.create(options);
      KeyedCountJob.build(p, KeyedCountJob.read(bootstrap, "million-in"), bootstrap, "million-out");
      long start = System.nanoTime();
      SamzaPipelineResult job = (SamzaPipelineResult) p.run();
      KeyedCountJob.Output output = new KeyedCountJob.Output();
      double seconds;
      try {
        topics.readUntil(
            "million-out",
            output::add,
            () -> output.counts.keySet().containsAll(input.expected.keySet()),
            job);
        seconds = (System.nanoTime() - start) / 1e9;
      } finally {
        job.cancel();
      }
      assertThat(output.counts, equalTo(input.expected));
      assertThat("duplicates", output.duplicates(), equalTo(0));
      System.out.printf(
          "1M Kafka-to-Kafka keyed count: written in %.1f s; job start to complete output %.1f s"
              + " (%.0f records/s); %d outputs%n",
          writeSeconds, seconds, RECORDS / seconds, output.counts.size());
    }
  }
}
