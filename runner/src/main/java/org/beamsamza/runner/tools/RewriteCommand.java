package org.beamsamza.runner.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.beamsamza.kafka.KafkaCheckpointManager;
import org.beamsamza.kafka.KafkaClientConfig;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "rewrite",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a new checkpoint for every task named in the offsets given (a file, arguments, or"
          + " both); the task's other partitions keep their offsets.",
      "An offset is the last one processed: the task resumes at the next. '"
          + CheckpointTool.OLDEST
          + "' rewinds a partition to its oldest retained message.",
      "Refused, with nothing written: a task or partition the job's checkpoints do not have, a"
          + " malformed line, a Kafka offset outside [oldest retained - 1, newest], a"
          + " non-numeric offset where the job's offset is numeric, and a job that looks alive"
          + " (its newest checkpoint younger than --quiet-seconds) unless --force."
    })
final class RewriteCommand implements Callable<Integer> {
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

  @Override
  public Integer call() {
    List<OffsetLines.Entry> entries = OffsetLines.read(file, offsets);
    if (entries.isEmpty()) {
      throw new ToolException("No offsets given: pass --file=FILE or OFFSET arguments");
    }
    LoadedCheckpoints loaded = LoadedCheckpoints.load(job);
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
    for (OffsetLines.Entry e : entries) {
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
          LoadedCheckpoints.key(e.task(), e.ssp())
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
          new KafkaCheckpointManager(CheckpointTool.KAFKA, job.config(), loaded.topic());
      manager.start();
      try {
        updated.forEach((task, offsets) -> manager.writeCheckpoint(task, new Checkpoint(offsets)));
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
   * Sets the entry's offset in {@code offsets}, or returns why it cannot be. Kafka partitions must
   * stay within what the topic retains; other systems' offsets must keep the kind (numeric or not)
   * of the offset the job wrote.
   */
  private static String apply(
      OffsetLines.Entry e, String old, long[] range, Map<SystemStreamPartition, String> offsets) {
    String offset = e.offset();
    if (range != null) {
      long value;
      if (CheckpointTool.OLDEST.equals(offset)) {
        value = range[0] - 1;
      } else {
        try {
          value = Long.parseLong(offset);
        } catch (NumberFormatException x) {
          return "offset '"
              + offset
              + "'"
              + where(e)
              + " is not a number nor '"
              + CheckpointTool.OLDEST
              + "'";
        }
      }
      if (value < range[0] - 1 || value > range[1] - 1) {
        return "offset "
            + value
            + where(e)
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
    if (CheckpointTool.OLDEST.equals(offset)) {
      offsets.remove(e.ssp()); // no offset: the task reads the partition from its start
      return null;
    }
    if (isLong(old)) {
      if (!isLong(offset) || Long.parseLong(offset) < -1) {
        return "offset '"
            + offset
            + "'"
            + where(e)
            + " must be a number >= -1 or '"
            + CheckpointTool.OLDEST
            + "' (the job's offset there is "
            + old
            + ")";
      }
    }
    offsets.put(e.ssp(), offset);
    return null;
  }

  /** " of task T, system S stream X partition N": where an offset goes, for messages. */
  private static String where(OffsetLines.Entry e) {
    return " of task " + e.task().getName() + ", " + describe(e.ssp());
  }

  /** [log start offset, end offset) of every Kafka partition named by an entry of a known task. */
  private Map<SystemStreamPartition, long[]> kafkaRanges(
      List<OffsetLines.Entry> entries, LoadedCheckpoints loaded) {
    Map<TopicPartition, SystemStreamPartition> wanted = new HashMap<>();
    for (OffsetLines.Entry e : entries) {
      Checkpoint cp = loaded.checkpoints().get(e.task());
      if (CheckpointTool.KAFKA.equals(e.ssp().getSystem())
          && cp != null
          && cp.getOffsets().containsKey(e.ssp())) {
        wanted.put(new TopicPartition(e.ssp().getStream(), e.ssp().getPartition()), e.ssp());
      }
    }
    Map<SystemStreamPartition, long[]> ranges = new HashMap<>();
    if (wanted.isEmpty()) {
      return ranges;
    }
    KafkaClientConfig clientConfig = new KafkaClientConfig(CheckpointTool.KAFKA, job.config());
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
          (tp, ssp) -> ranges.put(ssp, new long[] {start.get(tp).offset(), end.get(tp).offset()}));
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
