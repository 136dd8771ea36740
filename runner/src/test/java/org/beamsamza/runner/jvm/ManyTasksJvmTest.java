package org.beamsamza.runner.jvm;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Per-task RocksDB stores are cheap and bounded: a JVM with a file-descriptor limit far below one
 * store per task per keyed stage runs a wide job whose tasks mostly hold no state, and a job that
 * really needs more stores than the limit allows fails naming the limit and the option, not with
 * RocksDB's "Too many open files" somewhere mid-job.
 */
public class ManyTasksJvmTest {
  private static final int PARALLELISM = 300;
  private static final int FD_LIMIT = 1024;
  private static final long ELEMENTS = 3_000;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private ChildJvm run(int fdLimit, long keys) throws Exception {
    Path tempDir = tmp.newFolder().toPath();
    return new ChildJvm(
        tempDir,
        fdLimit,
        null,
        ManyTasksMain.class,
        Integer.toString(PARALLELISM),
        Long.toString(ELEMENTS),
        Long.toString(keys));
  }

  @Test
  public void aWideStageOpensStoresOnlyForTasksThatHoldState() throws Exception {
    // 300 tasks in each of the source, count and tally stages; 40 keys: at most 40 count tasks
    // hold state. One store per task would need ~300 x 6 descriptors, over the limit.
    long keys = 40;
    ChildJvm child = run(FD_LIMIT, keys);
    assertEquals(child.output(), 0, child.waitForExit());
    long expectedTotal = ELEMENTS; // every element counted once
    assertThat(child.output(), containsString("KEYS=" + keys + " TOTAL=" + expectedTotal));
  }

  @Test
  public void moreStoresThanTheDescriptorLimitAllowsFailNamingTheLimitAndTheOption()
      throws Exception {
    // Every count task holds state: ~300 stores x 6 descriptors, over a limit of 1024.
    ChildJvm child = run(FD_LIMIT, ELEMENTS);
    assertEquals(child.output(), 3, child.waitForExit());
    assertThat(child.output(), containsString("ulimit -n"));
    assertThat(child.output(), containsString("--parallelism"));
    assertThat(child.output(), not(containsString("Too many open files")));
  }
}
