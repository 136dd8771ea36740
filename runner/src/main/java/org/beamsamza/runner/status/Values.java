package org.beamsamza.runner.status;

/**
 * Arithmetic over metric values that may be absent: a gauge not registered (yet, or by an older
 * runtime) or reading null stays null, so that the page shows "-" rather than a made-up 0.
 */
final class Values {
  private Values() {}

  static Long asLong(Object value) {
    return value instanceof Number n ? n.longValue() : null;
  }

  static Double asDouble(Object value) {
    return value instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
  }

  // (No conditional expressions below: one mixing Long and long would unbox a null.)

  static Long plus(Long sum, Long value) {
    if (value == null) {
      return sum;
    }
    if (sum == null) {
      return value;
    }
    return sum + value;
  }

  static Double plus(Double sum, Double value) {
    if (value == null) {
      return sum;
    }
    if (sum == null) {
      return value;
    }
    return sum + value;
  }

  static Long min(Long least, Long value) {
    if (value == null) {
      return least;
    }
    if (least == null) {
      return value;
    }
    return Math.min(least, value);
  }

  /** One decimal: a rate on a page needs no more, and JSON gets no 17-digit fractions. */
  static Double rounded(Double value) {
    return value == null || !Double.isFinite(value) ? null : Math.round(value * 10) / 10.0;
  }
}
