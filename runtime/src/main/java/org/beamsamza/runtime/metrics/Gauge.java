package org.beamsamza.runtime.metrics;

import java.util.function.Supplier;

/** A value read when reported (a Dropwizard {@code Gauge} over a supplier). */
public final class Gauge<T> implements com.codahale.metrics.Gauge<T> {
  private final Supplier<T> value;

  Gauge(Supplier<T> value) {
    this.value = value;
  }

  @Override
  public T getValue() {
    return value.get();
  }

  @Override
  public String toString() {
    return String.valueOf(getValue());
  }
}
