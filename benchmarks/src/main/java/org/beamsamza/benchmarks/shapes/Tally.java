package org.beamsamza.benchmarks.shapes;

import java.io.Serializable;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;

/**
 * The sink of every shape: counts its input elements and adds up two functions of each element and
 * its window into Beam counters, which {@link ShapeCheck} reads after the run. Sums, not a list of
 * outputs, so the check costs the runner little. The counters are added per element: sums kept per
 * bundle and added in {@code @FinishBundle} came out short on the DirectRunner in some runs at 10k
 * events (cause not pinned down), while per-element counts were right every time.
 */
public final class Tally<T> extends DoFn<T, Void> {
  public static final String NAMESPACE = "shape";
  public static final String OUTPUTS = "outputs";
  public static final String VALUE = "value";
  public static final String CHECKSUM = "checksum";

  /** A long computed from an output element and its window. */
  public interface Fn<T> extends Serializable {
    long apply(T element, BoundedWindow window);
  }

  private final Fn<T> value;
  private final Fn<T> checksum;
  private final Counter outputsCounter = Metrics.counter(NAMESPACE, OUTPUTS);
  private final Counter valueCounter = Metrics.counter(NAMESPACE, VALUE);
  private final Counter checksumCounter = Metrics.counter(NAMESPACE, CHECKSUM);

  public Tally(Fn<T> value, Fn<T> checksum) {
    this.value = value;
    this.checksum = checksum;
  }

  /** The index of an {@link IntervalWindow} of {@code sizeMs} (its start divided by the size). */
  public static long windowIndex(BoundedWindow window, long sizeMs) {
    return Math.floorDiv(((IntervalWindow) window).start().getMillis(), sizeMs);
  }

  @ProcessElement
  public void process(@Element T element, BoundedWindow window) {
    outputsCounter.inc();
    valueCounter.inc(value.apply(element, window));
    checksumCounter.inc(checksum.apply(element, window));
  }
}
