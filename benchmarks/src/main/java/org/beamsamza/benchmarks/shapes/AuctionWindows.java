package org.beamsamza.benchmarks.shapes;

import java.util.Collection;
import java.util.Collections;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.MergeOverlappingIntervalWindows;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.transforms.windowing.WindowMappingFn;
import org.apache.beam.sdk.values.KV;

/**
 * A custom merging WindowFn for shape 6: an event of auction {@code a} (the key) opens a window
 * {@code [t, t + lifetime(a))}, and the overlapping windows of one auction merge. Unlike {@code
 * Sessions} the window's length depends on the element (auctions run 60, 90, 120 or 150 s), which
 * is why a runner cannot treat it as Sessions.
 */
public final class AuctionWindows extends WindowFn<KV<Long, Long>, IntervalWindow> {

  static long lifetimeMs(long auction) {
    return 60_000 + (auction % 4) * 30_000;
  }

  @Override
  public Collection<IntervalWindow> assignWindows(AssignContext c) {
    return Collections.singletonList(
        new IntervalWindow(c.timestamp(), c.timestamp().plus(lifetimeMs(c.element().getKey()))));
  }

  @Override
  public void mergeWindows(MergeContext c) throws Exception {
    MergeOverlappingIntervalWindows.mergeWindows(c);
  }

  @Override
  public boolean isCompatible(WindowFn<?, ?> other) {
    return other instanceof AuctionWindows;
  }

  @Override
  public Coder<IntervalWindow> windowCoder() {
    return IntervalWindow.getCoder();
  }

  @Override
  public WindowMappingFn<IntervalWindow> getDefaultWindowMappingFn() {
    throw new UnsupportedOperationException("AuctionWindows cannot window a side input");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AuctionWindows;
  }

  @Override
  public int hashCode() {
    return AuctionWindows.class.hashCode();
  }
}
