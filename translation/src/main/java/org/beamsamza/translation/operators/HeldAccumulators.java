package org.beamsamza.translation.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The accumulators a partial combine holds on the heap, grouped by window, so that it can release
 * exactly the windows an input watermark closes and tell the earliest timestamp it still holds.
 *
 * <p>Each window group keeps a lower bound of the timestamps of the outputs it will emit: the least
 * timestamp ever assigned into it. That is the exact minimum for EARLIEST and END_OF_WINDOW and a
 * lower bound for LATEST (whose output is the greatest assigned timestamp), which is all the
 * watermark hold needs: an output must not be behind the watermark already sent.
 *
 * @param <P> what is held per (key, window): the key and its accumulator
 */
final class HeldAccumulators<P> {
  /** One window's held accumulators, by the key's structural value. */
  static final class WindowGroup<P> {
    final BoundedWindow window;
    final Map<Object, P> byKey = new HashMap<>();
    Instant leastTimestamp = BoundedWindow.TIMESTAMP_MAX_VALUE;

    WindowGroup(BoundedWindow window) {
      this.window = window;
    }
  }

  private final Map<BoundedWindow, WindowGroup<P>> windows = new HashMap<>();
  private int entries;

  /**
   * The group of {@code window}, created if absent, with {@code timestamp} counted in its bound.
   */
  WindowGroup<P> group(BoundedWindow window, Instant timestamp) {
    WindowGroup<P> group = windows.get(window);
    if (group == null) {
      group = new WindowGroup<>(window);
      windows.put(window, group);
    }
    if (timestamp.isBefore(group.leastTimestamp)) {
      group.leastTimestamp = timestamp;
    }
    return group;
  }

  /** Records that a new key was put into a group's {@code byKey}. */
  void added() {
    entries++;
  }

  int entries() {
    return entries;
  }

  boolean isEmpty() {
    return entries == 0;
  }

  /**
   * The least output timestamp still held, or {@link BoundedWindow#TIMESTAMP_MAX_VALUE} if nothing
   * is held. A scan of the windows: there are few (one or two per fixed-window size in flight).
   */
  Instant leastTimestamp() {
    Instant least = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (WindowGroup<P> group : windows.values()) {
      if (group.leastTimestamp.isBefore(least)) {
        least = group.leastTimestamp;
      }
    }
    return least;
  }

  /** True if some held window ends before {@code watermark} (so that watermark closed it). */
  boolean holdsWindowClosedBy(Instant watermark) {
    for (BoundedWindow window : windows.keySet()) {
      if (window.maxTimestamp().isBefore(watermark)) {
        return true;
      }
    }
    return false;
  }

  /** Removes and returns the groups whose window matches, e.g. every window a watermark closed. */
  List<WindowGroup<P>> removeWindows(Predicate<BoundedWindow> which) {
    List<WindowGroup<P>> removed = new ArrayList<>();
    for (Iterator<WindowGroup<P>> it = windows.values().iterator(); it.hasNext(); ) {
      WindowGroup<P> group = it.next();
      if (which.test(group.window)) {
        it.remove();
        entries -= group.byKey.size();
        removed.add(group);
      }
    }
    return removed;
  }
}
