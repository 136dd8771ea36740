package org.beamsamza.runner.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.kafka.KafkaClientConfig;
import org.beamsamza.kafka.KafkaSystemAdmin;
import org.beamsamza.runner.local.JobStreams;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.translation.PipelineTranslator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints and rewrites the checkpointed input offsets of a stopped job that ran with {@code
 * --system=kafka} (in the spirit of Samza's {@code checkpoint-tool.sh}). The job's checkpoints are
 * in the topic {@code beamsamza-<jobId>-<jobName>-checkpoints}; each task's last record there is
 * what the task resumes from when the job is started again with the same {@code --jobName} and
 * {@code --jobId}.
 *
 * <p>Offsets are written one per line in Samza's format, {@code
 * tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>}, where the offset is
 * the last one the task <em>processed</em> (it resumes at the one after it). {@code print} writes
 * that format and {@code rewrite} reads it, so a printed file can be edited and fed back.
 *
 * <pre>
 * java -cp ... org.beamsamza.runner.tools.CheckpointTool print \
 *     --bootstrap-servers=broker:9092 --job-name=my-job --job-id=prod-1
 * java -cp ... org.beamsamza.runner.tools.CheckpointTool rewrite \
 *     --bootstrap-servers=broker:9092 --job-name=my-job --job-id=prod-1 --file=offsets.txt
 * </pre>
 *
 * Exit status: 0 on success, 1 when the tool refused or failed (one line on stderr naming why), 2
 * on a usage error.
 */
@Command(
    name = "checkpoint-tool",
    mixinStandardHelpOptions = true,
    version = "beam-samza-runner checkpoint-tool",
    description = {
      "Prints and rewrites the checkpointed input offsets of a stopped job that ran with"
          + " --system=kafka (topic beamsamza-<jobId>-<jobName>-checkpoints).",
      "Offsets use Samza's format:"
          + " tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>,"
          + " the offset being the last one the task processed (it resumes after it)."
    },
    subcommands = {
      CheckpointTool.Print.class,
      CheckpointTool.Rewrite.class,
      CommandLine.HelpCommand.class
    })
public final class CheckpointTool implements Runnable {
  /** The system name of the job's Kafka topics in checkpoints ({@code --system=kafka}). */
  static final String KAFKA = JobStreams.KAFKA;

  /** The keyword that rewinds a partition to the oldest message still retained. */
  static final String OLDEST = "oldest";

  static final int REFUSED = 1;
  static final int USAGE = 2;

  private static final Pattern KEY =
      Pattern.compile(
          "tasknames\\.(.+?)\\.systems\\.([^.]+)\\.streams\\.(.+)\\.partitions\\.([0-9]+)");

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: print or rewrite");
  }

  public static void main(String[] args) {
    // A command-line tool: Kafka's clients log their whole configuration at INFO.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the tool with these streams; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8);
    CommandLine cli = new CommandLine(new CheckpointTool());
    cli.setOut(o);
    cli.setErr(e);
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr()
              .println(
                  c.getCommandSpec().qualifiedName()
                      + ": "
                      + oneLine(ex.getMessage())
                      + " (see --help)");
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          String message = ex instanceof ToolException ? ex.getMessage() : describe(ex);
          c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + oneLine(message));
          return REFUSED;
        });
    int status = cli.execute(args);
    o.flush();
    e.flush();
    return status;
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (sb.length() > 0) {
        sb.append(": ");
      }
      sb.append(m == null ? t.getClass().getSimpleName() : m);
      if (m != null && t.getCause() != null && m.contains(String.valueOf(t.getCause()))) {
        break; // the message already names its cause
      }
    }
    return sb.toString();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  /** A refusal or failure the user can act on; its message is the one line the tool prints. */
  static final class ToolException extends RuntimeException {
    ToolException(String message) {
      super(message);
    }
  }

  /** Where the job's checkpoints are: cluster, client settings, job name and id. */
  static final class JobOptions {
    @Option(
        names = "--bootstrap-servers",
        required = true,
        paramLabel = "HOST:PORT,...",
        description = "Kafka brokers of the job's cluster (its --kafkaBootstrapServers).")
    String bootstrapServers;

    @Option(
        names = "--job-name",
        required = true,
        description =
            "The job's --jobName (characters other than letters, digits, '.', '_' and '-' become"
                + " '-', as the runner names its topics).")
    String jobName;

    @Option(
        names = "--job-id",
        required = true,
        description = "The job's --jobId. With --job-name it names the checkpoint topic.")
    String jobId;

    @Option(
        names = "--kafka-config",
        paramLabel = "KEY=VALUE",
        description =
            "A Kafka client setting (repeatable), e.g. security.protocol=SASL_SSL; values are"
                + " never printed.")
    Map<String, String> kafkaConfig = new LinkedHashMap<>();

    @Option(
        names = "--kafka-config-file",
        paramLabel = "FILE",
        description =
            "Kafka client settings in a properties file (as kafka-*.sh --command-config), applied"
                + " before --kafka-config.")
    Path kafkaConfigFile;

    @Option(
        names = "--timeout-ms",
        defaultValue = "30000",
        description = "How long a Kafka request may take (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    String topic() {
      return JobStreams.checkpointTopic(jobId, PipelineTranslator.sanitize(jobName));
    }

    /** The runtime config of the Kafka system the job used, as {@code JobStreams} builds it. */
    Config config() {
      Map<String, String> config = new HashMap<>();
      String prefix = "systems." + KAFKA + ".";
      config.put(prefix + KafkaClientConfig.BOOTSTRAP_SERVERS, bootstrapServers);
      config.put(prefix + "admin.timeout.ms", Long.toString(timeoutMs));
      config.put(
          prefix + "kafka." + AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "" + timeoutMs);
      // Kafka requires request.timeout.ms <= default.api.timeout.ms (30 s by default).
      config.put(
          prefix + "kafka." + AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
          "" + Math.min(timeoutMs, 30_000));
      if (kafkaConfigFile != null) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(kafkaConfigFile)) {
          props.load(in);
        } catch (NoSuchFileException e) {
          throw new ToolException("--kafka-config-file " + kafkaConfigFile + " does not exist");
        } catch (IOException e) {
          throw new ToolException("--kafka-config-file " + kafkaConfigFile + ": cannot read: " + e);
        }
        props
            .stringPropertyNames()
            .forEach(k -> config.put(prefix + "kafka." + k, props.getProperty(k).trim()));
      }
      kafkaConfig.forEach((k, v) -> config.put(prefix + "kafka." + k.trim(), v.trim()));
      return new Config(config);
    }
  }

  /** A job's checkpoints as read from its topic. */
  record Loaded(String topic, Map<TaskName, Checkpoint> checkpoints, long newestTimestamp) {}

  static Loaded load(JobOptions job) {
    String topic = job.topic();
    Config config = job.config();
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin(KAFKA, config)) {
      admin.getPartitionCount(new SystemStream(KAFKA, topic));
    } catch (IllegalArgumentException e) {
      throw new ToolException(
          "No checkpoint topic "
              + topic
              + " on "
              + job.bootstrapServers
              + " (--job-name="
              + job.jobName
              + " --job-id="
              + job.jobId
              + "): did the job run with --system=kafka and this name and id?");
    }
    KafkaCheckpointManager manager = new KafkaCheckpointManager(KAFKA, config, topic);
    manager.start();
    try {
      Map<TaskName, Checkpoint> checkpoints = new TreeMap<>(manager.getCheckpoints());
      if (checkpoints.isEmpty()) {
        throw new ToolException(
            "Checkpoint topic " + topic + " holds no checkpoint: the job never committed");
      }
      return new Loaded(topic, checkpoints, manager.getNewestReadTimestamp());
    } finally {
      manager.stop();
    }
  }

  static String key(TaskName task, SystemStreamPartition ssp) {
    return "tasknames."
        + task.getName()
        + ".systems."
        + ssp.getSystem()
        + ".streams."
        + ssp.getStream()
        + ".partitions."
        + ssp.getPartition();
  }

  private static String age(long timestamp) {
    if (timestamp < 0) {
      return "unknown";
    }
    return Instant.ofEpochMilli(timestamp)
        + " ("
        + Math.max(0, (System.currentTimeMillis() - timestamp) / 1000)
        + " s ago)";
  }

  @Command(
      name = "print",
      mixinStandardHelpOptions = true,
      description = {
        "Prints every task's last checkpoint, one offset per line:",
        "tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>",
        "(lines starting with # are comments; the output is valid input of rewrite)."
      })
  static final class Print implements Callable<Integer> {
    @Mixin JobOptions job;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Loaded loaded = load(job);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "# checkpoint topic "
              + loaded.topic()
              + ": "
              + loaded.checkpoints().size()
              + " tasks; newest checkpoint written "
              + age(loaded.newestTimestamp()));
      loaded
          .checkpoints()
          .forEach(
              (task, cp) -> {
                if (cp.getOffsets().isEmpty()) {
                  out.println("# task " + task.getName() + ": no offsets");
                }
                cp.getOffsets()
                    .forEach((ssp, offset) -> out.println(key(task, ssp) + "=" + offset));
              });
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "rewrite",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a new checkpoint for every task named in the offsets given (a file, arguments, or"
            + " both); the task's other partitions keep their offsets.",
        "An offset is the last one processed: the task resumes at the next. '"
            + OLDEST
            + "' rewinds a partition to its oldest retained message.",
        "Refused, with nothing written: a task or partition the job's checkpoints do not have, a"
            + " malformed line, a Kafka offset outside [oldest retained - 1, newest], a"
            + " non-numeric offset where the job's offset is numeric, and a job that looks alive"
            + " (its newest checkpoint younger than --quiet-seconds) unless --force."
      })
  static final class Rewrite implements Callable<Integer> {
    @Mixin JobOptions job;
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--file",
        paramLabel = "FILE",
        description = "Offsets, one per line (as print writes them); # starts a comment.")
    Path file;

    @Parameters(
        paramLabel = "OFFSET",
        arity = "0..*",
        description =
            "Offsets as arguments:"
                + " tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>")
    List<String> offsets = new ArrayList<>();

    @Option(
        names = "--quiet-seconds",
        defaultValue = "60",
        description =
            "The job counts as stopped only if its newest checkpoint is at least this old"
                + " (default: ${DEFAULT-VALUE}). A running job that consumes input writes one at"
                + " every commit (--commitMs, 1 s by default); an idle one writes none, so stop"
                + " the job before rewriting.")
    long quietSeconds;

    @Option(
        names = "--force",
        description = "Rewrite even if the job looks alive (its next commit may overwrite it).")
    boolean force;

    @Option(names = "--dry-run", description = "Validate and print the changes; write nothing.")
    boolean dryRun;

    /** One requested offset and where it came from (for messages). */
    record Entry(String origin, TaskName task, SystemStreamPartition ssp, String offset) {}

    @Override
    public Integer call() {
      List<Entry> entries = parse();
      if (entries.isEmpty()) {
        throw new ToolException("No offsets given: pass --file=FILE or OFFSET arguments");
      }
      Loaded loaded = load(job);
      long ageMs = System.currentTimeMillis() - loaded.newestTimestamp();
      if (!force && loaded.newestTimestamp() >= 0 && ageMs < quietSeconds * 1000) {
        throw new ToolException(
            "Job "
                + job.jobName
                + " (--job-id="
                + job.jobId
                + ") looks alive: its newest checkpoint in topic "
                + loaded.topic()
                + " was written "
                + Math.max(0, ageMs)
                + " ms ago, less than --quiet-seconds="
                + quietSeconds
                + "; stop the job and retry, or pass --force");
      }
      Map<TaskName, Map<SystemStreamPartition, String>> updated = new TreeMap<>();
      List<String> changes = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      Map<SystemStreamPartition, long[]> ranges = kafkaRanges(entries, loaded);
      for (Entry e : entries) {
        Checkpoint cp = loaded.checkpoints().get(e.task());
        if (cp == null) {
          problems.add(
              e.origin()
                  + ": unknown task "
                  + e.task().getName()
                  + " (the checkpoints have tasks "
                  + names(loaded.checkpoints().keySet())
                  + ")");
          continue;
        }
        String old = cp.getOffsets().get(e.ssp());
        if (old == null) {
          problems.add(
              e.origin()
                  + ": task "
                  + e.task().getName()
                  + " has no "
                  + describe(e.ssp())
                  + " (its partitions: "
                  + partitions(cp)
                  + ")");
          continue;
        }
        Map<SystemStreamPartition, String> offsets =
            updated.computeIfAbsent(e.task(), t -> new LinkedHashMap<>(cp.getOffsets()));
        String problem = apply(e, old, ranges.get(e.ssp()), offsets);
        if (problem != null) {
          problems.add(e.origin() + ": " + problem);
          continue;
        }
        changes.add(
            key(e.task(), e.ssp())
                + ": "
                + old
                + " -> "
                + (offsets.containsKey(e.ssp())
                    ? offsets.get(e.ssp())
                    : "(none: reads from its start)"));
      }
      if (!problems.isEmpty()) {
        throw new ToolException(
            (problems.size() == 1 ? "" : problems.size() + " offsets refused, nothing written: ")
                + String.join("; ", problems)
                + (problems.size() == 1 ? "; nothing written" : ""));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (!dryRun) {
        KafkaCheckpointManager manager =
            new KafkaCheckpointManager(KAFKA, job.config(), loaded.topic());
        manager.start();
        try {
          updated.forEach(
              (task, offsets) -> manager.writeCheckpoint(task, new Checkpoint(offsets)));
        } finally {
          manager.stop();
        }
      }
      out.println(
          (dryRun ? "# dry run, nothing written: " : "# wrote ")
              + updated.size()
              + " checkpoint(s) to topic "
              + loaded.topic());
      changes.forEach(out::println);
      out.flush();
      return 0;
    }

    /**
     * Sets the entry's offset in {@code offsets}, or returns why it cannot be. Kafka partitions
     * must stay within what the topic retains; other systems' offsets must keep the kind (numeric
     * or not) of the offset the job wrote.
     */
    private static String apply(
        Entry e, String old, long[] range, Map<SystemStreamPartition, String> offsets) {
      String offset = e.offset();
      if (range != null) {
        long value;
        if (OLDEST.equals(offset)) {
          value = range[0] - 1;
        } else {
          try {
            value = Long.parseLong(offset);
          } catch (NumberFormatException x) {
            return "offset '"
                + offset
                + "' of task "
                + e.task().getName()
                + ", "
                + describe(e.ssp())
                + " is not a number nor '"
                + OLDEST
                + "'";
          }
        }
        if (value < range[0] - 1 || value > range[1] - 1) {
          return "offset "
              + value
              + " of task "
              + e.task().getName()
              + ", "
              + describe(e.ssp())
              + " is outside what the topic can resume from: "
              + (range[0] - 1)
              + " (oldest retained offset "
              + range[0]
              + " minus 1) to "
              + (range[1] - 1)
              + " (newest)";
        }
        offsets.put(e.ssp(), Long.toString(value));
        return null;
      }
      if (OLDEST.equals(offset)) {
        offsets.remove(e.ssp()); // no offset: the task reads the partition from its start
        return null;
      }
      if (isLong(old)) {
        if (!isLong(offset) || Long.parseLong(offset) < -1) {
          return "offset '"
              + offset
              + "' of task "
              + e.task().getName()
              + ", "
              + describe(e.ssp())
              + " must be a number >= -1 or '"
              + OLDEST
              + "' (the job's offset there is "
              + old
              + ")";
        }
      }
      offsets.put(e.ssp(), offset);
      return null;
    }

    /**
     * [log start offset, end offset) of every Kafka partition named by an entry of a known task.
     */
    private Map<SystemStreamPartition, long[]> kafkaRanges(List<Entry> entries, Loaded loaded) {
      Map<TopicPartition, SystemStreamPartition> wanted = new HashMap<>();
      for (Entry e : entries) {
        Checkpoint cp = loaded.checkpoints().get(e.task());
        if (KAFKA.equals(e.ssp().getSystem())
            && cp != null
            && cp.getOffsets().containsKey(e.ssp())) {
          wanted.put(new TopicPartition(e.ssp().getStream(), e.ssp().getPartition()), e.ssp());
        }
      }
      Map<SystemStreamPartition, long[]> ranges = new HashMap<>();
      if (wanted.isEmpty()) {
        return ranges;
      }
      KafkaClientConfig clientConfig = new KafkaClientConfig(KAFKA, job.config());
      try (Admin admin =
          Admin.create(
              clientConfig.forClient(
                  "admin",
                  Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "beamsamza-checkpoint-tool")))) {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        wanted
            .keySet()
            .forEach(
                tp -> {
                  earliest.put(tp, OffsetSpec.earliest());
                  latest.put(tp, OffsetSpec.latest());
                });
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start =
            admin.listOffsets(earliest).all().get(job.timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
            admin.listOffsets(latest).all().get(job.timeoutMs, TimeUnit.MILLISECONDS);
        wanted.forEach(
            (tp, ssp) ->
                ranges.put(ssp, new long[] {start.get(tp).offset(), end.get(tp).offset()}));
      } catch (ExecutionException e) {
        throw new ToolException(
            "Cannot list the offsets of " + wanted.keySet() + " on Kafka: " + e.getCause());
      } catch (TimeoutException e) {
        throw new ToolException(
            "Timed out after --timeout-ms="
                + job.timeoutMs
                + " listing the offsets of "
                + wanted.keySet());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ToolException("Interrupted listing offsets");
      }
      return ranges;
    }

    private List<Entry> parse() {
      List<Entry> entries = new ArrayList<>();
      if (file != null) {
        List<String> lines;
        try {
          lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          throw new ToolException("--file " + file + " does not exist");
        } catch (IOException e) {
          throw new ToolException("--file " + file + ": cannot read: " + e);
        }
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).trim();
          if (line.isEmpty() || line.startsWith("#")) {
            continue;
          }
          entries.add(parseEntry(file + " line " + (i + 1), line));
        }
      }
      for (int i = 0; i < offsets.size(); i++) {
        entries.add(parseEntry("argument " + (i + 1), offsets.get(i).trim()));
      }
      Map<String, String> seen = new HashMap<>();
      for (Entry e : entries) {
        String previous = seen.put(key(e.task(), e.ssp()), e.origin());
        if (previous != null) {
          throw new ToolException(
              e.origin()
                  + " sets "
                  + key(e.task(), e.ssp())
                  + " again (first set by "
                  + previous
                  + ")");
        }
      }
      return entries;
    }

    private static Entry parseEntry(String origin, String line) {
      int eq = line.indexOf('=');
      String k = eq < 0 ? line : line.substring(0, eq).trim();
      String value = eq < 0 ? "" : line.substring(eq + 1).trim();
      Matcher m = KEY.matcher(k);
      if (eq < 0 || !m.matches() || value.isEmpty()) {
        throw new ToolException(
            origin
                + ": '"
                + (k.length() > 200 ? k.substring(0, 200) + "..." : k)
                + "' is not"
                + " tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>"
                + (eq >= 0 && m.matches() ? " (the offset is empty)" : ""));
      }
      int partition;
      try {
        partition = Integer.parseInt(m.group(4));
      } catch (NumberFormatException e) {
        throw new ToolException(
            origin + ": partition " + m.group(4) + " is not a partition number");
      }
      return new Entry(
          origin,
          new TaskName(m.group(1)),
          new SystemStreamPartition(m.group(2), m.group(3), partition),
          value);
    }

    private static boolean isLong(String s) {
      try {
        Long.parseLong(s);
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    private static String describe(SystemStreamPartition ssp) {
      return "system "
          + ssp.getSystem()
          + " stream "
          + ssp.getStream()
          + " partition "
          + ssp.getPartition();
    }

    private static String partitions(Checkpoint cp) {
      List<String> out = new ArrayList<>();
      cp.getOffsets()
          .keySet()
          .forEach(s -> out.add(s.getSystem() + "/" + s.getStream() + "/" + s.getPartition()));
      return out.isEmpty() ? "none" : String.join(", ", out);
    }

    private static String names(java.util.Collection<TaskName> tasks) {
      List<String> out = new ArrayList<>();
      tasks.forEach(t -> out.add(t.getName()));
      return String.join(", ", out);
    }
  }
}
