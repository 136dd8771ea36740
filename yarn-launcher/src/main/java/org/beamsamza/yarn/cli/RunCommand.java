package org.beamsamza.yarn.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.beamsamza.yarn.client.HadoopConfig;
import org.beamsamza.yarn.client.SubmittedApplications;
import org.beamsamza.yarn.client.YarnPipelineResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs a Beam program's {@code main} in this JVM, then reports the YARN applications it submitted
 * ({@link SubmittedApplications}, whatever the program did with its results); with {@code --wait}
 * the exit status is the jobs' outcome.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    showEndOfOptionsDelimiterInUsageHelp = true,
    description = {
      "Runs the main(String[]) of a Beam program on this classpath, in this JVM. The program"
          + " submits its pipeline itself (--runner=SamzaRunner --deployment=yarn in its"
          + " arguments); then each submitted application id is printed with its state.",
      "With --wait, waits for every submitted application to end and prints its final state;"
          + " a failed job's exception goes to stderr."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      " 0:the program returned (with --wait: every application ended DONE)",
      " 1:the program threw, or --class is not a runnable class; with --wait: an application"
          + " failed (its exception on stderr), or none was submitted",
      " 2:with --wait: an application was cancelled (and none failed)",
      "64:usage error"
    })
final class RunCommand implements Callable<Integer> {
  static final String HADOOP_CONF_DIR_ARG = "--hadoopConfDir";

  @Option(
      names = "--class",
      required = true,
      paramLabel = "<main class>",
      description = "The program's class, with a public static void main(String[]).")
  String mainClass;

  @Option(
      names = "--wait",
      description =
          "Wait until every submitted application ends; exit 0 only if all ended DONE."
              + " Killing this command does not stop the applications.")
  boolean await;

  @Option(
      names = "--hadoop-conf-dir",
      paramLabel = "DIR",
      description =
          "The cluster's Hadoop configuration (core-site.xml, yarn-site.xml), passed to the"
              + " program as --hadoopConfDir=DIR unless its arguments name one.")
  String hadoopConfDir;

  @Parameters(
      paramLabel = "program args",
      description = "The program's own arguments; put them after --.")
  List<String> programArgs = new ArrayList<>();

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Method main = findMain();
    String[] args = programArguments().toArray(String[]::new);
    // The list is the whole JVM's: only what this program submits counts.
    int submittedBefore = SubmittedApplications.all().size();
    Throwable thrown = invoke(main, args);
    List<YarnPipelineResult> all = SubmittedApplications.all();
    List<YarnPipelineResult> submitted = all.subList(submittedBefore, all.size());

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (thrown != null) {
      err.println(name() + ": " + mainClass + ".main threw " + thrown);
      thrown.printStackTrace(err);
      // Submitted applications keep running on the cluster: say which.
      for (YarnPipelineResult result : submitted) {
        err.println(name() + ": submitted before that: " + result.getApplicationId());
      }
      err.flush();
      return BeamSamzaYarn.FAILED;
    }
    for (YarnPipelineResult result : submitted) {
      out.println(result.getApplicationId() + " " + currentState(result));
    }
    out.flush();
    if (!await) {
      if (submitted.isEmpty()) {
        err.println(name() + ": " + mainClass + " submitted no YARN application");
        err.flush();
      }
      return BeamSamzaYarn.OK;
    }
    if (submitted.isEmpty()) {
      throw new CliException(
          "--wait: "
              + mainClass
              + " submitted no YARN application (does it run its pipeline with"
              + " --runner=SamzaRunner --deployment=yarn?)");
    }
    return awaitAll(submitted, out, err);
  }

  private Method findMain() {
    Class<?> type;
    try {
      type = Class.forName(mainClass, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException | NoClassDefFoundError e) {
      throw new CliException("--class " + mainClass + ": no such class on the classpath", e);
    } catch (ExceptionInInitializerError e) {
      throw new CliException(
          "--class " + mainClass + ": its static initializer threw " + e.getCause(), e);
    }
    try {
      Method main = type.getMethod("main", String[].class);
      if (Modifier.isStatic(main.getModifiers())) {
        // A public main of a class that is not public itself (e.g. nested) is still reachable.
        main.setAccessible(true);
        return main;
      }
    } catch (NoSuchMethodException e) {
      // falls through to the refusal
    }
    throw new CliException("--class " + mainClass + ": has no public static void main(String[])");
  }

  /** The program's arguments, plus --hadoopConfDir=DIR from --hadoop-conf-dir if they have none. */
  List<String> programArguments() {
    List<String> args = new ArrayList<>(programArgs);
    if (hadoopConfDir != null && args.stream().noneMatch(RunCommand::isHadoopConfDirArg)) {
      // Checked here so a wrong directory is named as this option, before the program runs.
      HadoopConfig.load(hadoopConfDir, "--hadoop-conf-dir");
      args.add(HADOOP_CONF_DIR_ARG + "=" + hadoopConfDir);
    }
    return args;
  }

  private static boolean isHadoopConfDirArg(String arg) {
    return arg.equals(HADOOP_CONF_DIR_ARG) || arg.startsWith(HADOOP_CONF_DIR_ARG + "=");
  }

  /** Runs main; returns what it threw (unwrapped), or null. */
  private static Throwable invoke(Method main, String[] args) {
    try {
      main.invoke(null, (Object) args);
      return null;
    } catch (InvocationTargetException e) {
      return e.getCause();
    } catch (IllegalAccessException e) {
      throw new CliException("Cannot call " + main + ": " + e.getMessage(), e);
    }
  }

  private Integer awaitAll(List<YarnPipelineResult> submitted, PrintWriter out, PrintWriter err) {
    boolean failed = false;
    boolean cancelled = false;
    // Every application is waited for, so each one's outcome is printed even after a failure.
    for (YarnPipelineResult result : submitted) {
      Object id = result.getApplicationId();
      try {
        PipelineResult.State state = result.waitUntilFinish();
        out.println(id + " " + state);
        out.flush();
        if (state == PipelineResult.State.CANCELLED) {
          cancelled = true;
        } else if (state != PipelineResult.State.DONE) {
          failed = true;
        }
      } catch (Pipeline.PipelineExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        out.println(id + " " + PipelineResult.State.FAILED);
        out.flush();
        err.println(name() + ": " + id + " failed: " + cause);
        cause.printStackTrace(err);
        err.flush();
        failed = true;
      } catch (RuntimeException e) {
        err.println(name() + ": " + id + ": " + BeamSamzaYarn.oneLine(BeamSamzaYarn.describe(e)));
        err.flush();
        failed = true;
      }
    }
    return failed ? BeamSamzaYarn.FAILED : cancelled ? BeamSamzaYarn.CANCELLED : BeamSamzaYarn.OK;
  }

  private static String currentState(YarnPipelineResult result) {
    try {
      return String.valueOf(result.getState());
    } catch (RuntimeException e) {
      return "UNKNOWN (" + BeamSamzaYarn.oneLine(BeamSamzaYarn.describe(e)) + ")";
    }
  }

  private String name() {
    return spec.qualifiedName();
  }
}
