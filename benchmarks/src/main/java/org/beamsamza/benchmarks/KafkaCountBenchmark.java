package org.beamsamza.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamsamza.kafka.EmbeddedKafkaBroker;
import org.beamsamza.runner.SamzaPipelineOptions;

/**
 * Kafka-to-Kafka keyed count on SamzaRunner against the raw limit of the same broker, in one JVM.
 *
 * <p>Starts an in-process KRaft broker ({@link EmbeddedKafkaBroker}), writes {@code --records}
 * records ({@code --keys} distinct string keys, {@code i % keys}; {@code --valueBytes} bytes of
 * value; create-time timestamps spread evenly over {@code --windows} one-minute windows, in order)
 * to an input topic of {@code --partitions} partitions, then alternates over {@code --rounds}
 * rounds (order swapped every round):
 *
 * <ul>
 *   <li><b>raw</b>: one kafka-clients consumer reads the N records of the input topic and one
 *       producer writes them, unchanged, to a fresh topic (no processing; {@code acks=all}, lz4,
 *       linger 5 ms, 256 KiB batches, as the runner's producers): records/s from the first poll to
 *       the producer's final flush;
 *   <li><b>ours</b>: {@code KafkaIO.read -> Window.into(FixedWindows.of(1 min)) -> Count.perKey ->
 *       KafkaIO.write} on {@code --runner=SamzaRunner --system=kafka --parallelism=P
 *       --containers=C} (fresh {@code --jobId}): N / seconds from {@code run()} to the moment a
 *       reader of the output topic has seen every expected (key, window) count; then the job is
 *       cancelled.
 * </ul>
 *
 * Every "ours" round's output is checked against counts computed in plain Java (every (key, window)
 * exactly once, with its exact count) and every raw round's record count; a failure exits 1. Prints
 * both rates and the ratio ours / raw per round, and the median ratio.
 *
 * <pre>
 * java -Xmx4g -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
 *     org.beamsamza.benchmarks.KafkaCountBenchmark --records=1000000 --keys=10000 --rounds=3
 * </pre>
 *
 * Other {@code --name=value} arguments go to the pipeline options (e.g. {@code --commitMs=1000}).
 */
public final class KafkaCountBenchmark {
  private static final long WINDOW_MS = 60_000;

  private KafkaCountBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("records", "1000000");
    opts.put("keys", "10000");
    opts.put("valueBytes", "100");
    opts.put("partitions", "4");
    opts.put("windows", "10");
    opts.put("rounds", "3");
    opts.put("warmup", "true");
    opts.put("parallelism", "4");
    opts.put("containers", "2");
    opts.put("timeoutMinutes", "30");
    List<String> passThrough = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        System.err.println(
            "usage: KafkaCountBenchmark "
                + opts.keySet().stream().map(k -> "--" + k + "=...").toList()
                + " [pipeline options]; defaults "
                + opts);
        System.exit(2);
      }
      if (opts.containsKey(a.substring(2, eq))) {
        opts.put(a.substring(2, eq), a.substring(eq + 1));
      } else {
        passThrough.add(a);
      }
    }
    int records = Integer.parseInt(opts.get("records"));
    int keys = Integer.parseInt(opts.get("keys"));
    int valueBytes = Integer.parseInt(opts.get("valueBytes"));
    int partitions = Integer.parseInt(opts.get("partitions"));
    int windows = Integer.parseInt(opts.get("windows"));
    int rounds = Integer.parseInt(opts.get("rounds"));
    long timeoutMs = Long.parseLong(opts.get("timeoutMinutes")) * 60_000;

    boolean ok = true;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String servers = broker.bootstrapServers();
      // Timestamps: whole minutes in the past, so every window closes once the input is read.
      long base = (System.currentTimeMillis() / WINDOW_MS - 2L * windows - 10) * WINDOW_MS;
      long spanMs = windows * WINDOW_MS;
      createTopic(servers, "input", partitions);
      long t0 = System.nanoTime();
      Map<String, Long> expected = writeInput(servers, records, keys, valueBytes, base, spanMs);
      double writeSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "input: %,d records (%d keys, %d-byte values, %d windows of 1 min, %d partitions)"
              + " written in %.1f s (%,.0f records/s); %,d expected (key, window) counts;"
              + " java %s, %d cores%n",
          records,
          keys,
          valueBytes,
          windows,
          partitions,
          writeSeconds,
          records / writeSeconds,
          expected.size(),
          System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());

      int run = 0;
      if (Boolean.parseBoolean(opts.get("warmup"))) {
        run++;
        double raw = raw(servers, partitions, records, "raw-" + run);
        double ours =
            ours(
                servers,
                opts,
                passThrough,
                partitions,
                records,
                expected,
                "ours-" + run,
                timeoutMs);
        System.out.printf(
            Locale.ROOT,
            "warm-up  raw %,10.0f records/s  ours %,10.0f records/s  ratio %.3f%n",
            raw,
            ours,
            ours / raw);
      }
      List<Double> ratios = new ArrayList<>();
      List<Double> raws = new ArrayList<>();
      List<Double> ourss = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        run++;
        double raw;
        double ours;
        if (round % 2 == 1) {
          raw = raw(servers, partitions, records, "raw-" + run);
          ours =
              ours(
                  servers,
                  opts,
                  passThrough,
                  partitions,
                  records,
                  expected,
                  "ours-" + run,
                  timeoutMs);
        } else {
          ours =
              ours(
                  servers,
                  opts,
                  passThrough,
                  partitions,
                  records,
                  expected,
                  "ours-" + run,
                  timeoutMs);
          raw = raw(servers, partitions, records, "raw-" + run);
        }
        raws.add(raw);
        ourss.add(ours);
        ratios.add(ours / raw);
        System.out.printf(
            Locale.ROOT,
            "round %d  raw %,10.0f records/s  ours %,10.0f records/s  ratio %.3f  (%s first)%n",
            round,
            raw,
            ours,
            ours / raw,
            round % 2 == 1 ? "raw" : "ours");
      }
      System.out.printf(
          Locale.ROOT,
          "MEDIAN   raw %,10.0f records/s  ours %,10.0f records/s  ratio %.3f (median of the"
              + " per-round ratios)%n",
          median(raws),
          median(ourss),
          median(ratios));
    } catch (VerificationException e) {
      System.out.println("FAILED: " + e.getMessage());
      ok = false;
    }
    System.exit(ok ? 0 : 1);
  }

  static final class VerificationException extends Exception {
    VerificationException(String message) {
      super(message);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(sorted.size() / 2);
  }

  static String key(long i, int keys) {
    return "key-" + (i % keys);
  }

  private static void createTopic(String servers, String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  private static Map<String, Object> producerProps(String servers) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Writes the input; returns the expected count of every "key@windowStart". */
  private static Map<String, Long> writeInput(
      String servers, int records, int keys, int valueBytes, long base, long spanMs)
      throws Exception {
    Map<String, Long> expected = new HashMap<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(servers))) {
      for (long i = 0; i < records; i++) {
        long ts = base + i * spanMs / records;
        String key = key(i, keys);
        byte[] value = new byte[valueBytes];
        rnd.nextBytes(value);
        expected.merge(key + "@" + (ts - ts % WINDOW_MS), 1L, Long::sum);
        producer.send(
            new ProducerRecord<>(
                "input", null, ts, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value),
            (m, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return expected;
  }

  private static Map<String, Object> consumerProps(String servers) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return c;
  }

  private static List<TopicPartition> partitionsOf(String topic, int partitions) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    return tps;
  }

  /** The raw limit: consume every input record and produce it to a new topic; records/s. */
  private static double raw(String servers, int partitions, int records, String outTopic)
      throws Exception {
    createTopic(servers, outTopic, partitions);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long t0;
    long n = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(servers));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(servers))) {
      List<TopicPartition> tps = partitionsOf("input", partitions);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      t0 = System.nanoTime();
      while (n < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          producer.send(
              new ProducerRecord<>(outTopic, r.partition(), r.timestamp(), r.key(), r.value()),
              (m, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
              });
          n++;
        }
      }
      producer.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (failure.get() != null) {
      throw failure.get();
    }
    if (n != records) {
      throw new VerificationException("raw read " + n + " records, expected " + records);
    }
    return records / seconds;
  }

  /** Sum of the end offsets of the job's keyed (repartition) topics. */
  private static long repartitionRecords(String servers, String jobId) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(servers))) {
      List<TopicPartition> tps = new ArrayList<>();
      for (String topic : admin.listTopics().names().get()) {
        if (topic.startsWith("beamsamza-" + jobId + "-") && topic.contains("-keyed-")) {
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
        }
      }
      return consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Formats each count as "windowStart=count". */
  static final class Format extends DoFn<KV<String, Long>, KV<String, String>> {
    @ProcessElement
    public void process(
        @Element KV<String, Long> kv,
        BoundedWindow window,
        OutputReceiver<KV<String, String>> out) {
      out.output(
          KV.of(kv.getKey(), ((IntervalWindow) window).start().getMillis() + "=" + kv.getValue()));
    }
  }

  /** Our runner: N / seconds from run() to the complete, verified output. */
  private static double ours(
      String servers,
      Map<String, String> opts,
      List<String> passThrough,
      int partitions,
      int records,
      Map<String, Long> expected,
      String name,
      long timeoutMs)
      throws Exception {
    String outTopic = name + "-out";
    createTopic(servers, outTopic, partitions);
    SamzaPipelineOptions options =
        PipelineOptionsFactory.fromArgs(passThrough.toArray(new String[0]))
            .as(SamzaPipelineOptions.class);
    options.setRunner(org.beamsamza.runner.SamzaRunner.class);
    options.setJobName("kafka-count");
    options.setJobId(name);
    options.setSystem("kafka");
    options.setKafkaBootstrapServers(servers);
    options.setParallelism(Integer.parseInt(opts.get("parallelism")));
    options.setContainers(Integer.parseInt(opts.get("containers")));

    Pipeline p = Pipeline.create(options);
    p.apply(
            KafkaIO.<String, byte[]>read()
                .withBootstrapServers(servers)
                .withTopic("input")
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(ByteArrayDeserializer.class)
                .withConsumerConfigUpdates(
                    Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))
                .withTimestampPolicyFactory(
                    TimestampPolicyFactory.withCreateTime(
                        org.joda.time.Duration.standardSeconds(1)))
                .withoutMetadata())
        .apply(Window.into(FixedWindows.of(org.joda.time.Duration.millis(WINDOW_MS))))
        .apply(Count.perKey())
        .apply(ParDo.of(new Format()))
        .apply(
            KafkaIO.<String, String>write()
                .withBootstrapServers(servers)
                .withTopic(outTopic)
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class));

    Map<String, Object> c = consumerProps(servers);
    Map<String, Long> seen = new HashMap<>();
    long duplicates = 0;
    String wrong = null;
    long t0;
    double seconds;
    PipelineResult result;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> tps = partitionsOf(outTopic, partitions);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      consumer.poll(Duration.ZERO); // connect before the clock starts
      t0 = System.nanoTime();
      result = p.run();
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (seen.size() < expected.size()) {
        PipelineResult.State state = result.getState();
        if (state.isTerminal()) {
          throw new VerificationException(
              name
                  + ": the job ended "
                  + state
                  + " with "
                  + seen.size()
                  + " of "
                  + expected.size()
                  + " counts written");
        }
        if (System.currentTimeMillis() > deadline) {
          result.cancel();
          throw new VerificationException(
              name
                  + ": "
                  + seen.size()
                  + " of "
                  + expected.size()
                  + " counts after "
                  + timeoutMs / 60_000
                  + " minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
          String value = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
          int eq = value.indexOf('=');
          String k = key + "@" + value.substring(0, eq);
          long count = Long.parseLong(value.substring(eq + 1));
          if (seen.put(k, count) != null) {
            duplicates++;
          }
          Long want = expected.get(k);
          if (wrong == null && (want == null || want != count)) {
            wrong = k + " counted " + count + ", expected " + want;
          }
        }
      }
      seconds = (System.nanoTime() - t0) / 1e9;
    }
    result.cancel();
    result.waitUntilFinish(org.joda.time.Duration.standardMinutes(2));
    System.out.printf(
        Locale.ROOT,
        "  %s: %.1f s to the complete output; %,d records on its repartition topics (Count.perKey's"
            + " partial accumulators, with control messages)%n",
        name,
        seconds,
        repartitionRecords(servers, name));
    if (wrong != null || duplicates > 0 || !seen.equals(expected)) {
      throw new VerificationException(
          name
              + ": output differs from the expected counts: "
              + (wrong != null ? wrong : "")
              + (duplicates > 0 ? " (" + duplicates + " duplicate counts)" : ""));
    }
    return records / seconds;
  }
}
