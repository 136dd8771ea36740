package org.beamsamza.runner.jvm;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** A child JVM running {@link StatefulJobMain} in {@code mode}. */
  private ChildJvm child(Path tempDir, String mode) throws IOException {
    ChildJvm child = new ChildJvm(tempDir, 0, StatefulJobMain.BLOCKED, StatefulJobMain.class, mode);
    children.add(child.process);
    return child;
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
      ChildJvm child = child(tempDir, "finish");
      assertEquals(child.output(), 0, child.waitForExit());
      assertTrue(child.output(), child.output().contains(StatefulJobMain.FINISHED));
      assertThat("after run " + run, storeDirs(tempDir), empty());
    }
  }

  @Test
  public void sigtermWhileRunningDeletesTheStoreDirectory() throws Exception {
    Path tempDir = tmp.newFolder("tmp").toPath();
    ChildJvm child = child(tempDir, "block");
    child.awaitMarker();
    assertThat("the running job's stores", storeDirs(tempDir), hasSize(1));

    child.process.destroy(); // SIGTERM
    child.waitForExit();

    assertThat(child.output(), storeDirs(tempDir), empty());
  }

  @Test
  public void theNextRunDeletesWhatASigkilledRunLeftButNotALiveRunsOrForeignDirectories()
      throws Exception {
    Path tempDir = tmp.newFolder("tmp").toPath();
    ChildJvm killed = child(tempDir, "block");
    killed.awaitMarker();
    List<Path> killedDirs = storeDirs(tempDir);
    assertThat(killedDirs, hasSize(1));
    killed.process.destroyForcibly(); // SIGKILL: no hook runs
    killed.waitForExit();
    assertThat("SIGKILL leaves the directory", storeDirs(tempDir), contains(killedDirs.get(0)));

    Path foreign = Files.createDirectory(tempDir.resolve(PREFIX + "made-by-someone-else"));
    Files.writeString(foreign.resolve("data"), "keep me");
    ChildJvm live = child(tempDir, "block");
    live.awaitMarker();
    List<Path> liveDirs = new ArrayList<>(storeDirs(tempDir));
    liveDirs.removeAll(killedDirs);
    liveDirs.remove(foreign);
    assertThat(liveDirs, hasSize(1));

    ChildJvm next = child(tempDir, "finish");
    assertEquals(next.output(), 0, next.waitForExit());

    assertThat(
        "only the killed run's directory is gone",
        storeDirs(tempDir),
        containsInAnyOrder(liveDirs.get(0), foreign));
  }
}
