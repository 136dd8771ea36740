package org.beamsamza.runner.tools;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.beamsamza.runner.job.JobStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
    subcommands = {PrintCommand.class, RewriteCommand.class, CommandLine.HelpCommand.class})
public final class CheckpointTool implements Runnable {
  /** The system name of the job's Kafka topics in checkpoints ({@code --system=kafka}). */
  static final String KAFKA = JobStreams.KAFKA;

  /** The keyword that rewinds a partition to the oldest message still retained. */
  static final String OLDEST = "oldest";

  static final int REFUSED = 1;
  static final int USAGE = 2;

  static final Pattern KEY =
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
}
