package org.beamsamza.yarn.client;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertThrows;

import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.beamsamza.yarn.testing.MiniYarn;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** The checks before submitting, against a real (in-process) cluster with two queues. */
public class ClusterChecksTest {

  private static final int NODE_MEMORY_MB = 2048;

  private static MiniYarn yarn;
  private static YarnClient client;

  @BeforeClass
  public static void start() throws Exception {
    yarn =
        MiniYarn.builder("ClusterChecksTest")
            .nodeMemoryMb(NODE_MEMORY_MB)
            .extraQueue("batch")
            .start();
    client = YarnClient.createYarnClient();
    client.init(yarn.config());
    client.start();
  }

  @AfterClass
  public static void stop() {
    try {
      if (client != null) {
        client.stop();
      }
    } finally {
      if (yarn != null) {
        yarn.close();
      }
    }
  }

  @Test
  public void anExistingQueuePasses() throws Exception {
    ClusterChecks.checkQueueExists(client, "default", "--yarnQueue");
    ClusterChecks.checkQueueExists(client, "batch", "--yarnQueue");
  }

  @Test
  public void anUnknownQueueIsRejectedNamingTheOptionAndTheQueues() {
    long start = System.nanoTime();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterChecks.checkQueueExists(client, "nope", "--yarnQueue"));
    assertThat(e.getMessage(), containsString("--yarnQueue=nope"));
    assertThat(e.getMessage(), containsString("[batch, default]"));
    assertThat((System.nanoTime() - start) / 1_000_000, lessThan(10_000L));
  }

  @Test
  public void tooMuchMemoryIsRejectedNamingTheOptionAndTheSetting() throws Exception {
    long start = System.nanoTime();
    Resource maximum =
        client.createApplication().getNewApplicationResponse().getMaximumResourceCapability();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterChecks.checkFits(
                    maximum, 65536, "--containerMemoryMb", 1, "--containerVcores"));
    assertThat(
        e.getMessage(),
        containsString(
            "--containerMemoryMb=65536 exceeds the cluster's maximum container size of "
                + NODE_MEMORY_MB
                + " MB (yarn.scheduler.maximum-allocation-mb)"));
    assertThat((System.nanoTime() - start) / 1_000_000, lessThan(10_000L));
  }

  @Test
  public void tooManyVcoresAreRejectedAndAFittingRequestPasses() throws Exception {
    Resource maximum =
        client.createApplication().getNewApplicationResponse().getMaximumResourceCapability();
    ClusterChecks.checkFits(maximum, NODE_MEMORY_MB, "--containerMemoryMb", 1, "--containerVcores");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ClusterChecks.checkFits(
                    maximum, 256, "--containerMemoryMb", 1000, "--containerVcores"));
    assertThat(e.getMessage(), containsString("--containerVcores=1000 exceeds"));
    assertThat(e.getMessage(), containsString("yarn.scheduler.maximum-allocation-vcores"));
  }
}
