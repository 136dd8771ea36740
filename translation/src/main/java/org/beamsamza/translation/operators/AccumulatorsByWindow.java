package org.beamsamza.translation.operators;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;

/**
 * The held accumulators of windows that never merge, grouped by window, so that a watermark
 * releases exactly the windows it closes and the earliest held timestamp is a scan of few windows
 * (one or two per fixed-window size in flight).
 *
 * <p>Each window group keeps a lower bound of the timestamps of the outputs it will emit: the least
 * timestamp ever assigned into it. That is the exact minimum for EARLIEST and END_OF_WINDOW and a
 * lower bound for LATEST (whose output is the greatest assigned timestamp), which is all the
 * watermark hold needs: an output must not be behind the watermark already sent.
 */
final class AccumulatorsByWindow<K, InputT, AccumT> implements HeldAccumulators<K, InputT, AccumT> {
  private final class Partial {
    final K key;
    AccumT accumulator;
    Instant timestamp;

    Partial(K key, AccumT accumulator, Instant timestamp) {
      this.key = key;
      this.accumulator = accumulator;
      this.timestamp = timestamp;
    }
  }

  /** One window's held accumulators, by the key's structural value. */
  private final class WindowGroup {
    final Map<Object, Partial> byKey = new HashMap<>();
    Instant leastTimestamp = BoundedWindow.TIMESTAMP_MAX_VALUE;
  }

  private final AccumulatorFold<InputT, AccumT> fold;
  private final TimestampCombiner timestampCombiner;
  private final Map<BoundedWindow, WindowGroup> windows = new HashMap<>();
  private int entries;

  AccumulatorsByWindow(AccumulatorFold<InputT, AccumT> fold, TimestampCombiner timestampCombiner) {
    this.fold = fold;
    this.timestampCombiner = timestampCombiner;
  }

  @Override
  public void add(
      K key, Object structuralKey, BoundedWindow window, Instant timestamp, InputT input) {
    WindowGroup group = windows.get(window);
    if (group == null) {
      group = new WindowGroup();
      windows.put(window, group);
    }
    if (timestamp.isBefore(group.leastTimestamp)) {
      group.leastTimestamp = timestamp;
    }
    Partial partial = group.byKey.get(structuralKey);
    if (partial == null) {
      group.byKey.put(structuralKey, new Partial(key, fold.first(input), timestamp));
      entries++;
    } else {
      partial.accumulator = fold.add(partial.accumulator, input);
      partial.timestamp = timestampCombiner.combine(partial.timestamp, timestamp);
    }
  }

  @Override
  public int entries() {
    return entries;
  }

  @Override
  public Instant leastTimestamp() {
    Instant least = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (WindowGroup group : windows.values()) {
      if (group.leastTimestamp.isBefore(least)) {
        least = group.leastTimestamp;
      }
    }
    return least;
  }

  @Override
  public boolean holdsWindowClosedBy(Instant watermark) {
    for (BoundedWindow window : windows.keySet()) {
      if (window.maxTimestamp().isBefore(watermark)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void removeWindows(Predicate<BoundedWindow> which, Released<K, AccumT> out) {
    for (Iterator<Map.Entry<BoundedWindow, WindowGroup>> it = windows.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<BoundedWindow, WindowGroup> e = it.next();
      if (which.test(e.getKey())) {
        it.remove();
        entries -= e.getValue().byKey.size();
        for (Partial p : e.getValue().byKey.values()) {
          out.accept(p.key, p.accumulator, p.timestamp, e.getKey());
        }
      }
    }
  }
}
