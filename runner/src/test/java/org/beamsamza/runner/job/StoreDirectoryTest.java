package org.beamsamza.runner.job;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Who owns a store directory: locks, the sweep of abandoned ones, and bad --storeBaseDir. */
public class StoreDirectoryTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void aSecondJobOnTheSameStoreBaseDirFailsSayingItIsInUse() throws Exception {
    String dir = tmp.newFolder("shared").toString();
    try (StoreDirectory first = StoreDirectory.open(dir)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> StoreDirectory.open(dir));
      assertThat(e.getMessage(), containsString("--storeBaseDir=" + dir));
      assertThat(e.getMessage(), containsString("in use by another running job"));
    }
    // Released: the next job may use it, and a configured directory is kept.
    try (StoreDirectory again = StoreDirectory.open(dir)) {
      assertTrue(Files.isDirectory(again.path()));
    }
    assertTrue(Files.isDirectory(Path.of(dir)));
  }

  @Test
  public void anUnwritableStoreBaseDirFailsAtRunNamingTheOption() {
    // /proc/1 exists and is a directory that nobody, root included, can create files in.
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setStoreBaseDir("/proc/1");
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1, 2, 3));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::run);
    assertThat(e.getMessage(), containsString("--storeBaseDir=/proc/1"));
  }

  @Test
  public void aStoreBaseDirThatIsAFileFailsAtRunNamingTheOption() throws Exception {
    String file = tmp.newFile("not-a-dir").toString();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> StoreDirectory.open(file));
    assertThat(e.getMessage(), containsString("--storeBaseDir=" + file));
  }

  @Test
  public void theSweepDeletesOnlyUnlockedDirectoriesThisRunnerCreated() throws Exception {
    Path root = tmp.getRoot().toPath();
    Path abandoned = Files.createDirectory(root.resolve(StoreDirectory.TEMP_PREFIX + "crashed"));
    Files.createFile(abandoned.resolve(StoreDirectory.LOCK_FILE));
    Files.createDirectories(abandoned.resolve("beam-state/S0-0"));
    Files.writeString(abandoned.resolve("beam-state/S0-0/000001.sst"), "data");
    Path foreign = Files.createDirectory(root.resolve(StoreDirectory.TEMP_PREFIX + "foreign"));
    Files.writeString(foreign.resolve("precious"), "not ours");
    Path unrelated = Files.createDirectory(root.resolve("other-dir"));
    Files.createFile(unrelated.resolve(StoreDirectory.LOCK_FILE));

    StoreDirectory.deleteAbandoned(root);

    assertFalse("abandoned directory of a crashed run", Files.exists(abandoned));
    assertTrue("no lock file: not created by this runner", Files.exists(foreign));
    assertTrue("not named beam-samza-stores-*", Files.exists(unrelated));
  }

  @Test
  public void theSweepKeepsADirectoryALiveJobHolds() throws Exception {
    String held = tmp.newFolder(StoreDirectory.TEMP_PREFIX + "live").toString();
    try (StoreDirectory live = StoreDirectory.open(held)) {
      StoreDirectory.deleteAbandoned(tmp.getRoot().toPath());
      assertTrue(Files.exists(live.path().resolve(StoreDirectory.LOCK_FILE)));
    }
  }
}
