package org.beamsamza.runtime.local;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** The restart policy on a clock the test moves: count within the window, sliding, giving up. */
public class ContainerRestartPolicyTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private ContainerRestartPolicy policy(int count, long windowMs, long backoffMs) {
    return new ContainerRestartPolicy(
        count,
        Duration.ofMillis(windowMs),
        Duration.ofMillis(backoffMs),
        "--containerRetryCount=" + count,
        now::get);
  }

  private void advanceMs(long ms) {
    now.addAndGet(Duration.ofMillis(ms).toNanos());
  }

  @Test
  public void restartsUpToTheCountWithinTheWindowThenGivesUp() {
    ContainerRestartPolicy p = policy(3, 10_000, 0);
    for (int i = 1; i <= 3; i++) {
      ContainerRestartPolicy.Decision d = p.onFailure("c0");
      assertTrue("restart " + i, d.restart());
      assertEquals(i, d.restarts());
      assertEquals(i, d.restartsInWindow());
      advanceMs(1_000);
    }
    ContainerRestartPolicy.Decision last = p.onFailure("c0");
    assertFalse(last.restart());
    assertEquals("restarts tried before giving up", 3, last.restarts());
    assertEquals("--containerRetryCount=3", last.limits());
    assertEquals(Map.of("c0", 3), p.restarts());
  }

  @Test
  public void restartsOlderThanTheWindowAreForgotten() {
    ContainerRestartPolicy p = policy(2, 10_000, 0);
    assertTrue(p.onFailure("c0").restart()); // t = 0
    advanceMs(6_000);
    assertTrue(p.onFailure("c0").restart()); // t = 6 s: 2 in the window
    advanceMs(3_999);
    assertFalse("t = 9.999 s: both still in the window", p.onFailure("c0").restart());
    advanceMs(1);
    ContainerRestartPolicy.Decision d = p.onFailure("c0"); // t = 10 s: the first one slid out
    assertTrue(d.restart());
    assertEquals(2, d.restartsInWindow());
    assertEquals("all restarts ever", 3, d.restarts());
    assertFalse("t = 10 s: the ones at 6 s and 10 s are in", p.onFailure("c0").restart());
    advanceMs(10_000);
    assertTrue("quiet for a whole window: restarts again", p.onFailure("c0").restart());
  }

  @Test
  public void containersAreCountedApart() {
    ContainerRestartPolicy p = policy(1, 10_000, 0);
    assertTrue(p.onFailure("c0").restart());
    assertTrue(p.onFailure("c1").restart());
    assertFalse(p.onFailure("c0").restart());
    assertFalse(p.onFailure("c1").restart());
    assertEquals(Map.of("c0", 1, "c1", 1), p.restarts());
  }

  @Test
  public void backoffDoublesWithRestartsInTheWindowUpToTheMaximum() {
    ContainerRestartPolicy p = policy(10, 1_000_000, 1_000);
    long[] expectedMs = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
    for (long ms : expectedMs) {
      assertEquals(Duration.ofMillis(ms), p.onFailure("c0").backoff());
    }
    advanceMs(1_000_000);
    assertEquals("the window emptied", Duration.ofMillis(1_000), p.onFailure("c0").backoff());
  }

  @Test
  public void neverRestartsNothing() {
    ContainerRestartPolicy p = ContainerRestartPolicy.never();
    assertFalse(p.restartsAnything());
    ContainerRestartPolicy.Decision d = p.onFailure("c0");
    assertFalse(d.restart());
    assertEquals(0, d.restarts());
    assertEquals(Map.of(), p.restarts());
  }
}
