package org.beamsamza.runtime.metrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class MetricsRegistryMapTest {
  @Test
  public void valuesByGroupAndNameInCreationOrder() {
    MetricsRegistryMap registry = new MetricsRegistryMap();
    Counter c = registry.newCounter("g", "count");
    AtomicLong level = new AtomicLong(7);
    registry.newGauge("g", "level", level::get);
    Timer t = registry.newTimer("h", "latency");
    c.inc();
    c.inc(2);
    level.set(9);
    t.update(3_000_000);
    t.update(5_000_000);

    Map<String, Map<String, Object>> values = registry.values();
    assertEquals(List.of("g", "h"), List.copyOf(values.keySet()));
    assertEquals(List.of("count", "level"), List.copyOf(values.get("g").keySet()));
    assertEquals(3L, values.get("g").get("count"));
    assertEquals(9L, values.get("g").get("level"));
    Map<?, ?> timer = (Map<?, ?>) values.get("h").get("latency");
    assertEquals(2L, timer.get("count"));
    assertEquals(5.0, timer.get("max-ms"));
    assertEquals(4.0, (Double) timer.get("mean-ms"), 0.5);
  }

  @Test
  public void creatingAnExistingMetricReturnsIt() {
    MetricsRegistryMap registry = new MetricsRegistryMap();
    Counter c = registry.newCounter("g", "n");
    assertSame(c, registry.newCounter("g", "n"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> registry.newTimer("g", "n"));
    assertThat(e.getMessage(), containsString("g/n exists as a Counter, not a Timer"));
  }

  @Test
  public void aFailingGaugeReadsAsNull() {
    MetricsRegistryMap registry = new MetricsRegistryMap();
    registry.newGauge(
        "g",
        "closed",
        () -> {
          throw new IllegalStateException("store closed");
        });
    assertNull(registry.values().get("g").get("closed"));
  }

  @Test
  public void dropwizardRegistryHoldsTheSameMetrics() {
    MetricsRegistryMap registry = new MetricsRegistryMap();
    registry.newCounter("g", "count").inc(4);
    assertEquals(4L, registry.dropwizard().getCounters().get("g.count").getCount());
  }
}
