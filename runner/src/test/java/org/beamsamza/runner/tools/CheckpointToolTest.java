package org.beamsamza.runner.tools;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.job.JobAssembly;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@link CheckpointTool} against a real in-process broker: it prints what a job on {@code
 * --system=kafka} checkpointed, a rewritten offset is where the restarted job reads from, and bad
 * input is refused with one line naming what is wrong.
 */
public class CheckpointToolTest implements java.io.Serializable {
  private static final long N = 3_000;
  private static final int KEYS = 17;
  private static EmbeddedKafkaBroker broker;

  /** Per run: the per-key counts the job emitted (the job runs in this JVM). */
  static final Map<String, Map<Long, Long>> RESULTS = new ConcurrentHashMap<>();

  static volatile String run = "none";

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

  /** Records each (key, count) under the run the test is in. */
  static final class Collect extends DoFn<KV<Long, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<Long, Long> kv) {
      Long previous =
          RESULTS
              .computeIfAbsent(run, r -> new ConcurrentHashMap<>())
              .putIfAbsent(kv.getKey(), kv.getValue());
      if (previous != null) {
        throw new AssertionError("key " + kv.getKey() + " counted twice in run " + run);
      }
    }
  }

  private static Map<Long, Long> runJob(String runName, String jobName, String jobId) {
    run = runName;
    SamzaPipelineOptions options = PipelineOptionsFactory.create().as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setJobName(jobName);
    options.setJobId(jobId);
    options.setSystem("kafka");
    options.setKafkaBootstrapServers(broker.bootstrapServers());
    options.setParallelism(1); // one source partition: its offsets are element indexes 0..N-1
    options.setContainers(1);
    options.setCommitMs(200);
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(N))
        .apply(
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                .via(i -> KV.of(i % KEYS, i)))
        .apply(Count.perKey())
        .apply(ParDo.of(new Collect()));
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish(), equalTo(PipelineResult.State.DONE));
    return new TreeMap<>(RESULTS.getOrDefault(runName, Map.of()));
  }

  /** Per-key counts of the elements {@code from} (inclusive) to N, in plain Java. */
  private static Map<Long, Long> expectedCounts(long from) {
    Map<Long, Long> counts = new TreeMap<>();
    for (long i = from; i < N; i++) {
      counts.merge(i % KEYS, 1L, Long::sum);
    }
    return counts;
  }

  /** What one invocation of the tool printed and returned. */
  record Result(int status, String out, String err) {}

  private static Result tool(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        CheckpointTool.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String[] args(String command, String jobName, String jobId, String... more) {
    List<String> a = new ArrayList<>();
    a.add(command);
    a.add("--bootstrap-servers=" + broker.bootstrapServers());
    a.add("--job-name=" + jobName);
    a.add("--job-id=" + jobId);
    a.add("--kafka-config=client.dns.lookup=use_all_dns_ips");
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** The offset lines of print's output, key to offset. */
  private static Map<String, String> offsets(String printed) {
    Map<String, String> offsets = new TreeMap<>();
    for (String line : printed.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      assertThat("offset line " + line, eq, greaterThan(0));
      offsets.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return offsets;
  }

  /** The oldest retained offset of a topic partition, as the broker reports it. */
  private static long oldestOffset(String topic, int partition) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "key.deserializer",
                ByteArrayDeserializer.class.getName(),
                "value.deserializer",
                ByteArrayDeserializer.class.getName()))) {
      TopicPartition tp = new TopicPartition(topic, partition);
      return consumer.beginningOffsets(List.of(tp)).get(tp);
    }
  }

  /** The newest offset of a topic partition (end offset minus one), as the broker reports it. */
  private static long newestOffset(String topic, int partition) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "key.deserializer",
                ByteArrayDeserializer.class.getName(),
                "value.deserializer",
                ByteArrayDeserializer.class.getName()))) {
      TopicPartition tp = new TopicPartition(topic, partition);
      return consumer.endOffsets(List.of(tp)).get(tp) - 1;
    }
  }

  private static void assertOneLineError(Result r, String... fragments) {
    assertThat("exit status; stderr: " + r.err(), r.status(), not(equalTo(0)));
    String err = r.err().strip();
    assertThat("one line: " + err, err.contains("\n"), equalTo(false));
    for (String f : fragments) {
      assertThat(err, containsString(f));
    }
    System.out.println("checkpoint tool refused (status " + r.status() + "): " + err);
  }

  @Test
  public void printShowsWhatTheJobConsumedAndTheRestartedJobReadsFromTheRewrittenOffset()
      throws Exception {
    String job = "cp-tool-job";
    String id = "cp1";
    assertEquals("run 1 counts every element", expectedCounts(0), runJob("run1", job, id));

    // print: every task's last checkpoint, as what the job consumed.
    Result printed = tool(args("print", job, id));
    assertEquals(printed.err(), 0, printed.status());
    System.out.print("checkpoint tool print:\n" + printed.out());
    assertThat(
        printed.out(), containsString("# checkpoint topic beamsamza-cp1-cp-tool-job-checkpoints"));
    Map<String, String> offsets = offsets(printed.out());
    String sourceKey = null;
    int kafkaPartitions = 0;
    for (Map.Entry<String, String> e : offsets.entrySet()) {
      String key = e.getKey();
      if (key.contains(".systems." + JobAssembly.SOURCE_SYSTEM + ".")) {
        assertEquals("a single source partition: " + offsets, null, sourceKey);
        sourceKey = key;
        // The source's offsets count its envelopes: elements 0..N-1, then its end-of-stream
        // marker at offset N, the last thing the task processed.
        assertEquals(key, Long.toString(N), e.getValue());
      } else if (key.contains(".systems." + JobStreams.KAFKA + ".streams.")) {
        String stream =
            key.substring(key.indexOf(".streams.") + 9, key.lastIndexOf(".partitions."));
        int partition = Integer.parseInt(key.substring(key.lastIndexOf('.') + 1));
        assertTrue(stream, stream.startsWith("beamsamza-cp1-cp-tool-job-"));
        // Everything the job wrote to its repartition topic was consumed and checkpointed.
        assertEquals(key, Long.toString(newestOffset(stream, partition)), e.getValue());
        kafkaPartitions++;
      }
    }
    assertTrue("source partition in " + offsets, sourceKey != null);
    assertThat("repartition partitions in " + offsets, kafkaPartitions, greaterThan(0));

    // The job stopped just now: by a one-hour rule it looks alive, and nothing is written.
    long from = N / 2 + 7;
    String rewind = sourceKey + "=" + (from - 1);
    Result refused = tool(args("rewrite", job, id, "--quiet-seconds=3600", rewind));
    assertOneLineError(refused, "looks alive", "beamsamza-cp1-cp-tool-job-checkpoints", "--force");
    assertEquals(offsets, offsets(tool(args("print", job, id)).out()));

    // A Kafka offset the topic cannot resume from (below its oldest retained record) is refused.
    String kafkaKey =
        offsets.keySet().stream()
            .filter(k -> k.contains(".systems." + JobStreams.KAFKA + "."))
            .findFirst()
            .orElseThrow();
    Result outOfRange = tool(args("rewrite", job, id, "--force", kafkaKey + "=-2"));
    assertOneLineError(outOfRange, "offset -2", "partition", "oldest retained offset");

    // 'oldest' on a Kafka partition is the oldest retained offset minus one (dry run: nothing
    // written).
    String kafkaStream =
        kafkaKey.substring(kafkaKey.indexOf(".streams.") + 9, kafkaKey.lastIndexOf(".partitions."));
    int kafkaPartition = Integer.parseInt(kafkaKey.substring(kafkaKey.lastIndexOf('.') + 1));
    Result dryRun = tool(args("rewrite", job, id, "--force", "--dry-run", kafkaKey + "=oldest"));
    assertEquals(dryRun.err(), 0, dryRun.status());
    assertThat(
        dryRun.out(),
        containsString(
            kafkaKey
                + ": "
                + offsets.get(kafkaKey)
                + " -> "
                + (oldestOffset(kafkaStream, kafkaPartition) - 1)));
    assertEquals(offsets, offsets(tool(args("print", job, id)).out()));

    // Rewind the source task to element `from`; the restarted job reads elements from..N-1 again.
    Result rewritten = tool(args("rewrite", job, id, "--quiet-seconds=3600", "--force", rewind));
    assertEquals(rewritten.err(), 0, rewritten.status());
    assertThat(rewritten.out(), containsString(sourceKey + ": " + N + " -> " + (from - 1)));
    Map<String, String> after = offsets(tool(args("print", job, id)).out());
    Map<String, String> expectedAfter = new TreeMap<>(offsets);
    expectedAfter.put(sourceKey, Long.toString(from - 1));
    assertEquals(expectedAfter, after);

    assertEquals(
        "run 2 counts exactly the replayed elements",
        expectedCounts(from),
        runJob("run2", job, id));

    // 'oldest' from a file: the restarted job reads the whole source again.
    Path file = Files.createTempFile("offsets", ".txt");
    Files.writeString(file, "# rewind the source\n\n" + sourceKey + "=oldest\n");
    Result fromFile = tool(args("rewrite", job, id, "--force", "--file=" + file.toAbsolutePath()));
    assertEquals(fromFile.err(), 0, fromFile.status());
    assertEquals("run 3 counts every element again", expectedCounts(0), runJob("run3", job, id));
    Files.delete(file);
  }

  @Test
  public void badInputIsRefusedWithOneLineNamingWhatIsWrong() throws Exception {
    String job = "cp-tool-bad";
    String id = "bad1";
    String topic = JobStreams.checkpointTopic(id, job);
    SystemStreamPartition source = new SystemStreamPartition("beam-source", "src-1", 0);
    SystemStreamPartition unbounded = new SystemStreamPartition("beam-unbounded-source", "u", 0);
    KafkaCheckpointManager manager =
        new KafkaCheckpointManager(JobStreams.KAFKA, broker.systemConfig(JobStreams.KAFKA), topic);
    manager.start();
    Map<TaskName, Checkpoint> written = new HashMap<>();
    written.put(new TaskName("S0-0"), new Checkpoint(Map.of(source, "41")));
    written.put(new TaskName("S1-0"), new Checkpoint(Map.of(unbounded, "7:3:abc")));
    written.forEach(manager::writeCheckpoint);
    manager.stop();
    String printedBefore =
        String.join("\n", offsets(tool(args("print", job, id)).out()).toString());
    assertThat(
        printedBefore,
        allOf(
            containsString("tasknames.S0-0.systems.beam-source.streams.src-1.partitions.0=41"),
            containsString(
                "tasknames.S1-0.systems.beam-unbounded-source.streams.u.partitions.0=7:3:abc")));

    String ok = "tasknames.S0-0.systems.beam-source.streams.src-1.partitions.0=";
    assertOneLineError(
        tool(
            args(
                "rewrite",
                job,
                id,
                "--force",
                "tasknames.S9-0.systems.beam-source.streams.src-1.partitions.0=1")),
        "unknown task S9-0",
        "S0-0, S1-0",
        "nothing written");
    assertOneLineError(
        tool(
            args(
                "rewrite",
                job,
                id,
                "--force",
                "tasknames.S0-0.systems.beam-source.streams.src-1.partitions.3=1")),
        "task S0-0 has no system beam-source stream src-1 partition 3",
        "beam-source/src-1/0");
    assertOneLineError(
        tool(
            args(
                "rewrite",
                job,
                id,
                "--force",
                "tasknames.S0-0.systems.beam-source.streams.other.partitions.0=1")),
        "task S0-0 has no system beam-source stream other partition 0");
    assertOneLineError(
        tool(args("rewrite", job, id, "--force", "foo=bar")), "argument 1", "'foo' is not");
    assertOneLineError(
        tool(args("rewrite", job, id, "--force", ok + "ten")),
        "offset 'ten'",
        "task S0-0",
        "stream src-1 partition 0",
        "must be a number");
    assertOneLineError(tool(args("rewrite", job, id, "--force", ok)), "the offset is empty");
    assertOneLineError(
        tool(args("rewrite", job, id, "--force", ok + "1", ok + "2")), "argument 2", "again");
    Path file = Files.createTempFile("offsets", ".txt");
    Files.writeString(file, "# comment\n" + ok + "5\ntasknames.S0-0 = 3\n");
    assertOneLineError(
        tool(args("rewrite", job, id, "--force", "--file=" + file)),
        file + " line 3",
        "'tasknames.S0-0' is not");
    Files.delete(file);
    assertOneLineError(
        tool(args("rewrite", job, id, "--force", "--file=" + file)), "does not exist");
    assertOneLineError(tool(args("rewrite", job, id, "--force")), "No offsets given");

    // No such job: its checkpoint topic does not exist (print and rewrite), and none is created.
    assertOneLineError(
        tool(args("print", job, "nope")),
        "No checkpoint topic beamsamza-nope-cp-tool-bad-checkpoints",
        "--job-id=nope");
    assertOneLineError(
        tool(args("rewrite", job, "nope", "--force", ok + "1")),
        "No checkpoint topic beamsamza-nope-cp-tool-bad-checkpoints");
    assertThat(
        "the tool created no topic",
        tool(args("print", job, "nope")).err(),
        containsString("No checkpoint topic"));
    // Usage errors: one line too, status 2.
    Result missing = tool("print", "--bootstrap-servers=" + broker.bootstrapServers());
    assertOneLineError(missing, "--job-name", "--job-id");
    assertEquals(CheckpointTool.USAGE, missing.status());
    assertOneLineError(tool("frobnicate"), "frobnicate");

    // Nothing of the above changed a checkpoint; a valid rewrite still works afterwards.
    assertEquals(
        printedBefore, String.join("\n", offsets(tool(args("print", job, id)).out()).toString()));
    Result fine =
        tool(
            args(
                "rewrite",
                job,
                id,
                "--force",
                ok + "oldest",
                "tasknames.S1-0.systems.beam-unbounded-source.streams.u.partitions.0=9:1:xyz"));
    assertEquals(fine.err(), 0, fine.status());
    Map<String, String> now = offsets(tool(args("print", job, id)).out());
    assertEquals(
        Map.of("tasknames.S1-0.systems.beam-unbounded-source.streams.u.partitions.0", "9:1:xyz"),
        now);
  }

  @Test
  public void everySubcommandHasHelp() {
    for (String command : List.of("print", "rewrite")) {
      Result help = tool(command, "--help");
      assertEquals(help.err(), 0, help.status());
      assertThat(
          help.out(),
          allOf(
              containsString("--bootstrap-servers"),
              containsString("--job-name"),
              containsString("--job-id"),
              containsString("--kafka-config")));
    }
    assertThat(tool("rewrite", "--help").out(), containsString("--quiet-seconds"));
    Result top = tool("--help");
    assertEquals(0, top.status());
    assertThat(top.out(), allOf(containsString("print"), containsString("rewrite")));
  }
}
