package org.beamsamza.translation.metrics;

import static org.junit.Assert.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.MetricName;
import org.junit.Test;

public class LookupCachingMetricsContainerTest {
  /** runners-core's container, counting the lookups that reach it. */
  private static final class CountingLookups extends MetricsContainerImpl {
    final AtomicInteger counterLookups = new AtomicInteger();

    CountingLookups() {
      super("step");
    }

    @Override
    public org.apache.beam.runners.core.metrics.CounterCell getCounter(MetricName name) {
      counterLookups.incrementAndGet();
      return super.getCounter(name);
    }
  }

  @Test
  public void aMetricNameUsedAgainIsLookedUpOnceAndCountsIntoTheSameCell() {
    CountingLookups inner = new CountingLookups();
    LookupCachingMetricsContainer cached = new LookupCachingMetricsContainer(inner);
    MetricName elements = MetricName.named("ns", "elements");
    for (int i = 0; i < 1_000; i++) {
      cached.getCounter(elements).inc();
    }
    assertEquals(1, inner.counterLookups.get());
    assertEquals(1_000L, (long) inner.getCounter(elements).getCumulative());
  }

  @Test
  public void equalNamesOfOtherInstancesAndManyNamesStillReachTheirOwnCells() {
    CountingLookups inner = new CountingLookups();
    LookupCachingMetricsContainer cached = new LookupCachingMetricsContainer(inner);
    for (int round = 0; round < 3; round++) {
      for (int n = 0; n < 500; n++) { // far more names than slots, new instances each round
        Counter c = cached.getCounter(MetricName.named("ns", "c" + n));
        c.inc(n);
      }
    }
    for (int n = 0; n < 500; n++) {
      assertEquals(
          3L * n, (long) inner.getCounter(MetricName.named("ns", "c" + n)).getCumulative());
    }
    MetricName sizes = MetricName.named("ns", "sizes");
    Distribution d = cached.getDistribution(sizes);
    d.update(3);
    cached.getDistribution(sizes).update(5);
    assertEquals(8L, inner.getDistribution(sizes).getCumulative().sum());
    assertEquals(2L, inner.getDistribution(sizes).getCumulative().count());
  }
}
