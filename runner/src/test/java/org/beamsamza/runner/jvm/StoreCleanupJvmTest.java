package org.beamsamza.runner.jvm;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Store directories of whole JVMs that run a job and end: normally, by SIGTERM, by SIGKILL. Each
 * child JVM gets its own {@code java.io.tmpdir} so the test sees exactly what it leaves behind.
 */
public class StoreCleanupJvmTest {
  private static final String PREFIX = "beam-samza-stores-";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();
  private final List<Process> children = new ArrayList<>();

  @After
  public void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  /** A child JVM running {@link StatefulJobMain} whose stdout lines are watched. */
  private final class Child {
    final Process process;
    final CountDownLatch blocked = new CountDownLatch(1);
    final StringBuilder output = new StringBuilder();

    Child(Path tempDir, String mode) throws IOException {
      String classpath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      ProcessBuilder pb =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx256m",
              "-Djava.io.tmpdir=" + tempDir,
              "-cp",
              classpath,
              StatefulJobMain.class.getName(),
              mode);
      pb.redirectErrorStream(true);
      process = pb.start();
      children.add(process);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    synchronized (output) {
                      output.append(line).append('\n');
                    }
                    if (line.contains(StatefulJobMain.BLOCKED)) {
                      blocked.countDown();
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              });
      reader.setDaemon(true);
      reader.start();
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

  private static List<Path> storeDirs(Path tempDir) throws IOException {
    try (Stream<Path> s = Files.list(tempDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).sorted().toList();
    }
  }

  @Test
  public void aMainThatWaitsAndReturnsLeavesNoStoreDirectory() throws Exception {
    Path tempDir = tmp.newFolder("tmp").toPath();
    for (int run = 0; run < 3; run++) {
      Child child = new Child(tempDir, "finish");
      assertEquals(child.output(), 0, child.waitForExit());
      assertTrue(child.output(), child.output().contains(StatefulJobMain.FINISHED));
      assertThat("after run " + run, storeDirs(tempDir), empty());
    }
  }

  @Test
  public void sigtermWhileRunningDeletesTheStoreDirectory() throws Exception {
    Path tempDir = tmp.newFolder("tmp").toPath();
    Child child = new Child(tempDir, "block");
    child.blocked.await();
    assertThat("the running job's stores", storeDirs(tempDir), hasSize(1));

    child.process.destroy(); // SIGTERM
    child.waitForExit();

    assertThat(child.output(), storeDirs(tempDir), empty());
  }

  @Test
  public void theNextRunDeletesWhatASigkilledRunLeftButNotALiveRunsOrForeignDirectories()
      throws Exception {
    Path tempDir = tmp.newFolder("tmp").toPath();
    Child killed = new Child(tempDir, "block");
    killed.blocked.await();
    List<Path> killedDirs = storeDirs(tempDir);
    assertThat(killedDirs, hasSize(1));
    killed.process.destroyForcibly(); // SIGKILL: no hook runs
    killed.waitForExit();
    assertThat("SIGKILL leaves the directory", storeDirs(tempDir), contains(killedDirs.get(0)));

    Path foreign = Files.createDirectory(tempDir.resolve(PREFIX + "made-by-someone-else"));
    Files.writeString(foreign.resolve("data"), "keep me");
    Child live = new Child(tempDir, "block");
    live.blocked.await();
    List<Path> liveDirs = new ArrayList<>(storeDirs(tempDir));
    liveDirs.removeAll(killedDirs);
    liveDirs.remove(foreign);
    assertThat(liveDirs, hasSize(1));

    Child next = new Child(tempDir, "finish");
    assertEquals(next.output(), 0, next.waitForExit());

    assertThat(
        "only the killed run's directory is gone",
        storeDirs(tempDir),
        containsInAnyOrder(liveDirs.get(0), foreign));
  }
}
