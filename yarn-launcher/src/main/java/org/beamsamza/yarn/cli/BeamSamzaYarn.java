package org.beamsamza.yarn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * The command line of a SamzaRunner job on YARN, in the spirit of Samza's {@code run-job.sh}: runs
 * a Beam program that submits itself with {@code --deployment=yarn} (and, with {@code --wait},
 * turns the job's outcome into the exit status, so a scheduler such as Azkaban, cron or Airflow can
 * run a pipeline as one step), shows an application's status and metrics, kills one.
 *
 * <pre>
 * java -cp app.jar:... org.beamsamza.yarn.cli.BeamSamzaYarn run --wait --class com.example.MyPipeline \
 *     --hadoop-conf-dir=/etc/hadoop/conf -- --runner=SamzaRunner --deployment=yarn --jobName=my-job
 * java -cp ... org.beamsamza.yarn.cli.BeamSamzaYarn status application_1700000000000_0001
 * java -cp ... org.beamsamza.yarn.cli.BeamSamzaYarn kill application_1700000000000_0001
 * </pre>
 *
 * Exit status: 0 on success, 1 when the command failed (one line on stderr naming why; {@code run}
 * also prints a failed job's exception), 2 when {@code run --wait} saw a job cancelled, 64 on a
 * usage error. Usage errors take 64 (sysexits' EX_USAGE), not the 2 of {@code checkpoint-tool} and
 * picocli, because 2 already means "cancelled" to a scheduler reading {@code run --wait}.
 */
@Command(
    name = "beam-samza-yarn",
    mixinStandardHelpOptions = true,
    version = "beam-samza-runner beam-samza-yarn",
    description = {
      "Runs a Beam program that submits itself to YARN (--runner=SamzaRunner --deployment=yarn),"
          + " shows a submitted application's status and metrics, kills one."
    },
    subcommands = {
      RunCommand.class,
      StatusCommand.class,
      KillCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      " 0:success",
      " 1:the command failed (the reason on stderr)",
      " 2:run --wait: a job was cancelled",
      "64:usage error"
    })
public final class BeamSamzaYarn implements Runnable {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int CANCELLED = 2;
  static final int USAGE = 64;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: run, status or kill");
  }

  public static void main(String[] args) {
    // A command-line tool: Hadoop's and Kafka's clients are chatty at INFO.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * The tool's command line with its error handling: usage errors and failures as one line on its
   * err writer (set one with {@link CommandLine#setErr} before {@code execute}), with their codes.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new BeamSamzaYarn());
    // "@file" arguments belong to the user's program (after --), not to picocli.
    cli.setExpandAtFiles(false);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          String hint =
              ex instanceof CommandLine.UnmatchedArgumentException
                      && c.getCommand() instanceof RunCommand
                  ? " (the program's own arguments go after --)"
                  : "";
          c.getErr()
              .println(
                  c.getCommandSpec().qualifiedName()
                      + ": "
                      + oneLine(ex.getMessage())
                      + hint
                      + " (see --help)");
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          String message =
              ex instanceof CliException || ex instanceof IllegalArgumentException
                  ? ex.getMessage()
                  : describe(ex);
          c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + oneLine(message));
          return FAILED;
        });
    return cli;
  }

  /** The messages of a throwable and its causes, for an unexpected failure's one line. */
  static String describe(Throwable e) {
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

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
