package org.beamsamza.benchmarks.shapes;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Compares a finished run's {@link Tally} counters with a shape's expected answer. */
public final class ShapeCheck {
  private ShapeCheck() {}

  /**
   * An expected answer: the number of outputs (null: not checked), the sum of their values and
   * their checksum.
   */
  public static Map<String, Long> answer(Long outputs, long value, long checksum) {
    Map<String, Long> answer = new LinkedHashMap<>();
    if (outputs != null) {
      answer.put(Tally.OUTPUTS, outputs);
    }
    answer.put(Tally.VALUE, value);
    answer.put(Tally.CHECKSUM, checksum);
    return answer;
  }

  /**
   * @throws AssertionError naming every counter that differs from {@code expected}
   */
  public static void verify(PipelineResult result, Map<String, Long> expected) {
    StringBuilder wrong = new StringBuilder();
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      long actual = counter(result, e.getKey());
      if (actual != e.getValue()) {
        wrong.append(String.format(" %s: expected %d, got %d;", e.getKey(), e.getValue(), actual));
      }
    }
    if (wrong.length() > 0) {
      throw new AssertionError("wrong answer:" + wrong);
    }
  }

  /** The attempted value of a {@link Tally} counter summed over steps, 0 if it never counted. */
  public static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Tally.NAMESPACE, name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }
}
