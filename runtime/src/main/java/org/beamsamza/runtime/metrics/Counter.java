package org.beamsamza.runtime.metrics;

/** A count that only grows, safe to increment from any thread (a Dropwizard {@code Counter}). */
public final class Counter {
  final com.codahale.metrics.Counter counter = new com.codahale.metrics.Counter();

  public void inc() {
    counter.inc();
  }

  public void inc(long n) {
    counter.inc(n);
  }

  public long getCount() {
    return counter.getCount();
  }

  @Override
  public String toString() {
    return Long.toString(getCount());
  }
}
