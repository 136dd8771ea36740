package org.beamsamza.runner.jvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A {@code main} of the test classpath run in a JVM of its own, as a user's program would be, with
 * its output collected and a latch per line marker the test waits on.
 */
final class ChildJvm {
  final Process process;
  private final StringBuilder output = new StringBuilder();
  private final String marker;
  private final CountDownLatch markerSeen = new CountDownLatch(1);

  /**
   * @param fdLimit if positive, the child runs under {@code ulimit -n fdLimit}
   * @param marker a string whose first appearance in a line of output releases {@link #awaitMarker}
   */
  ChildJvm(Path tempDir, int fdLimit, String marker, Class<?> main, String... args)
      throws IOException {
    this.marker = marker;
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.add("-Xmx512m");
    java.add("-Djava.io.tmpdir=" + tempDir);
    java.add("-cp");
    java.add(classpath);
    java.add(main.getName());
    java.addAll(List.of(args));
    List<String> command = java;
    if (fdLimit > 0) {
      command =
          new ArrayList<>(
              List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "java"));
      command.addAll(java);
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    process = pb.start();
    Thread reader = new Thread(this::readOutput, "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void readOutput() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (output) {
          output.append(line).append('\n');
        }
        if (marker != null && line.contains(marker)) {
          markerSeen.countDown();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  void awaitMarker() throws InterruptedException {
    markerSeen.await();
  }

  int waitForExit() throws InterruptedException {
    return process.waitFor();
  }

  String output() {
    synchronized (output) {
      return output.toString();
    }
  }
}
