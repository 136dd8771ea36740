package org.beamsamza.yarn.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;

/** Builds the launch context of a JVM in a YARN container (the ApplicationMaster or a worker). */
public final class LaunchCommands {

  /** The share of the container's memory given to the heap; the rest is metaspace, stacks etc. */
  static final double HEAP_SHARE = 0.75;

  /** The smallest heap a JVM of ours gets, whatever the container size. */
  public static final int MIN_HEAP_MB = 64;

  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9._/:=,@%+-]+");

  private LaunchCommands() {}

  /** The {@code -Xmx} for a container of {@code containerMemoryMb}: 75%, at least 64 MB. */
  public static int heapMb(int containerMemoryMb) {
    return Math.max(MIN_HEAP_MB, (int) (containerMemoryMb * HEAP_SHARE));
  }

  /**
   * The shell command the node manager runs: {@code {{JAVA_HOME}}/bin/java -Xmx<heap>m <jvmArgs>
   * -cp <classpath>:. <mainClass> <args> 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr}. The container's
   * working directory (".") is on the classpath so staged configuration files such as {@code
   * yarn-site.xml} are found as resources. Arguments are shell-quoted where needed.
   */
  public static String javaCommand(
      int containerMemoryMb,
      List<String> jvmArgs,
      List<String> classpath,
      String mainClass,
      List<String> args) {
    List<String> parts = new ArrayList<>();
    parts.add(ApplicationConstants.Environment.JAVA_HOME.$$() + "/bin/java");
    parts.add("-Xmx" + heapMb(containerMemoryMb) + "m");
    jvmArgs.forEach(arg -> parts.add(shellQuote(arg)));
    List<String> cp = new ArrayList<>(classpath);
    cp.add(".");
    parts.add("-cp");
    parts.add(shellQuote(String.join(":", cp)));
    parts.add(shellQuote(mainClass));
    args.forEach(arg -> parts.add(shellQuote(arg)));
    parts.add("1>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stdout");
    parts.add("2>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stderr");
    return String.join(" ", parts);
  }

  /**
   * A launch context running {@link #javaCommand} on the staged files: every staged file is
   * localized, the classpath is {@code staged.classpath()}.
   */
  public static ContainerLaunchContext javaContainer(
      StagedFiles staged,
      int containerMemoryMb,
      List<String> jvmArgs,
      String mainClass,
      List<String> args,
      Map<String, String> environment) {
    return launchContext(
        staged.localResources(),
        environment,
        javaCommand(containerMemoryMb, jvmArgs, staged.classpath(), mainClass, args));
  }

  /** A launch context of one command with its local resources and environment. */
  public static ContainerLaunchContext launchContext(
      Map<String, LocalResource> localResources, Map<String, String> environment, String command) {
    return ContainerLaunchContext.newInstance(
        Map.copyOf(localResources), Map.copyOf(environment), List.of(command), null, null, null);
  }

  /** {@code value} as one word for bash, which runs the node manager's launch script. */
  static String shellQuote(String value) {
    if (SHELL_SAFE.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
