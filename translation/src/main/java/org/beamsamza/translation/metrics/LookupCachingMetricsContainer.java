package org.beamsamza.translation.metrics;

import org.apache.beam.model.pipeline.v1.MetricsApi.MonitoringInfo;
import org.apache.beam.sdk.metrics.BoundedTrie;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Histogram;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.StringSet;
import org.apache.beam.sdk.util.HistogramData;

/**
 * A step's metrics container that remembers, by the identity of the {@link MetricName}, the cells
 * it last handed out for counters and distributions.
 *
 * <p>A metric declared once ({@code Metrics.counter(...)} in a field, as a source's element counter
 * is) calls {@code getCounter} with the same MetricName on every {@code inc()}; runners-core's
 * container then hashes the name, whose hash is recomputed over its namespace, name and labels map
 * each time (an eighth of a source-bound pipeline's CPU in a profile). Here that is one identity
 * hash and a compare. The cache is a small direct-mapped array of immutable entries, so it is
 * bounded whatever names user code creates, and a racing reader sees an entry whole or a miss.
 */
public final class LookupCachingMetricsContainer implements MetricsContainer {
  private static final int SLOTS = 64; // a power of two

  private record Cached<T>(MetricName name, T cell) {}

  private final MetricsContainer delegate;
  private final Cached<?>[] counters = new Cached<?>[SLOTS];
  private final Cached<?>[] distributions = new Cached<?>[SLOTS];

  /** The delegate's lookups, made once rather than as a method reference per call. */
  private final java.util.function.Function<MetricName, Counter> counterLookup;

  private final java.util.function.Function<MetricName, Distribution> distributionLookup;

  public LookupCachingMetricsContainer(MetricsContainer delegate) {
    this.delegate = delegate;
    this.counterLookup = delegate::getCounter;
    this.distributionLookup = delegate::getDistribution;
  }

  @Override
  public Counter getCounter(MetricName name) {
    return cached(counters, name, counterLookup);
  }

  @Override
  public Distribution getDistribution(MetricName name) {
    return cached(distributions, name, distributionLookup);
  }

  /** The cell of {@code name} in {@code table}, looked up in the delegate on a miss. */
  @SuppressWarnings("unchecked")
  private static <T> T cached(
      Cached<?>[] table, MetricName name, java.util.function.Function<MetricName, T> lookup) {
    int slot = System.identityHashCode(name) & (SLOTS - 1);
    Cached<?> cached = table[slot];
    if (cached != null && cached.name() == name) {
      return (T) cached.cell();
    }
    T cell = lookup.apply(name);
    table[slot] = new Cached<>(name, cell);
    return cell;
  }

  @Override
  public Counter getPerWorkerCounter(MetricName name) {
    return delegate.getPerWorkerCounter(name);
  }

  @Override
  public Gauge getGauge(MetricName name) {
    return delegate.getGauge(name);
  }

  @Override
  public StringSet getStringSet(MetricName name) {
    return delegate.getStringSet(name);
  }

  @Override
  public BoundedTrie getBoundedTrie(MetricName name) {
    return delegate.getBoundedTrie(name);
  }

  @Override
  public Histogram getHistogram(MetricName name, HistogramData.BucketType bucketType) {
    return delegate.getHistogram(name, bucketType);
  }

  @Override
  public Iterable<MonitoringInfo> getMonitoringInfos() {
    return delegate.getMonitoringInfos();
  }
}
