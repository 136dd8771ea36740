package org.beamsamza.translation.operators;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.joda.time.Instant;

/**
 * The held accumulators of windows that merge (sessions, a custom merging {@link WindowFn}),
 * grouped by key: each key's windows are merged with the WindowFn as they are held, their
 * accumulators merged with the CombineFn and their output timestamps with the {@link
 * TimestampCombiner}, so that a key's many session fragments cross the exchange as one accumulator
 * per merged window. The grouping after the exchange merges again, across tasks and emissions, as
 * it would merge the elements' own windows: merging is what the WindowFn does to any windows it is
 * given (Beam's Flink and Spark batch translations pre-merge the same way).
 *
 * <p>Merging runs when a key holds twice the windows it held after its last merge (at least {@link
 * #MIN_MERGE_AT}), so a key whose windows all merge costs a {@code mergeWindows} call every few
 * elements, and before windows are released.
 *
 * <p>The bounds the operator asks for are kept as lower bounds updated on each add and made exact
 * on each release: merging only moves a window's end and an output timestamp later (a merged window
 * covers its parts; END_OF_WINDOW moves to its end, EARLIEST takes the least and LATEST the
 * greatest of the parts), so a bound never gets above what it bounds.
 */
final class MergingAccumulatorsByKey<K, InputT, AccumT>
    implements HeldAccumulators<K, InputT, AccumT> {
  static final int MIN_MERGE_AT = 8;

  private final class Partial {
    AccumT accumulator;
    Instant timestamp;

    Partial(AccumT accumulator, Instant timestamp) {
      this.accumulator = accumulator;
      this.timestamp = timestamp;
    }
  }

  /** One key's held windows, in the order they came. */
  private final class KeyWindows {
    final K key;
    final Map<BoundedWindow, Partial> windows = new LinkedHashMap<>();
    int mergeAt = MIN_MERGE_AT;

    KeyWindows(K key) {
      this.key = key;
    }
  }

  private final AccumulatorFold<InputT, AccumT> fold;
  private final WindowFn<?, BoundedWindow> windowFn;
  private final TimestampCombiner timestampCombiner;
  private final Map<Object, KeyWindows> byKey = new HashMap<>();
  private int entries;
  private Instant leastTimestamp = BoundedWindow.TIMESTAMP_MAX_VALUE;
  private Instant leastWindowEnd = BoundedWindow.TIMESTAMP_MAX_VALUE;

  MergingAccumulatorsByKey(
      AccumulatorFold<InputT, AccumT> fold,
      WindowFn<?, BoundedWindow> windowFn,
      TimestampCombiner timestampCombiner) {
    this.fold = fold;
    this.windowFn = windowFn;
    this.timestampCombiner = timestampCombiner;
  }

  @Override
  public void add(
      K key, Object structuralKey, BoundedWindow window, Instant timestamp, InputT input) {
    KeyWindows held = byKey.get(structuralKey);
    if (held == null) {
      held = new KeyWindows(key);
      byKey.put(structuralKey, held);
    }
    Partial partial = held.windows.get(window);
    if (partial == null) {
      held.windows.put(window, new Partial(fold.first(input), timestamp));
      entries++;
    } else {
      partial.accumulator = fold.add(partial.accumulator, input);
      partial.timestamp = timestampCombiner.combine(partial.timestamp, timestamp);
    }
    if (timestamp.isBefore(leastTimestamp)) {
      leastTimestamp = timestamp;
    }
    if (window.maxTimestamp().isBefore(leastWindowEnd)) {
      leastWindowEnd = window.maxTimestamp();
    }
    if (held.windows.size() >= held.mergeAt) {
      merge(held);
    }
  }

  @Override
  public int entries() {
    return entries;
  }

  @Override
  public Instant leastTimestamp() {
    return leastTimestamp;
  }

  @Override
  public boolean holdsWindowClosedBy(Instant watermark) {
    return leastWindowEnd.isBefore(watermark);
  }

  @Override
  public void removeWindows(Predicate<BoundedWindow> which, Released<K, AccumT> out) {
    leastTimestamp = BoundedWindow.TIMESTAMP_MAX_VALUE;
    leastWindowEnd = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Iterator<KeyWindows> keys = byKey.values().iterator(); keys.hasNext(); ) {
      KeyWindows held = keys.next();
      if (held.windows.size() > 1) {
        merge(held);
      }
      for (Iterator<Map.Entry<BoundedWindow, Partial>> it = held.windows.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<BoundedWindow, Partial> e = it.next();
        BoundedWindow window = e.getKey();
        Partial p = e.getValue();
        if (which.test(window)) {
          it.remove();
          entries--;
          out.accept(held.key, p.accumulator, p.timestamp, window);
        } else {
          if (p.timestamp.isBefore(leastTimestamp)) {
            leastTimestamp = p.timestamp;
          }
          if (window.maxTimestamp().isBefore(leastWindowEnd)) {
            leastWindowEnd = window.maxTimestamp();
          }
        }
      }
      if (held.windows.isEmpty()) {
        keys.remove();
      }
    }
  }

  /** Merges {@code held}'s windows with the WindowFn, and their accumulators and timestamps. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void merge(KeyWindows held) {
    List<Collection<BoundedWindow>> merged = new ArrayList<>();
    List<BoundedWindow> results = new ArrayList<>();
    Collection<BoundedWindow> windows = new ArrayList<>(held.windows.keySet());
    WindowFn rawWindowFn = windowFn;
    try {
      rawWindowFn.mergeWindows(
          rawWindowFn.new MergeContext() {
            @Override
            public Collection<BoundedWindow> windows() {
              return windows;
            }

            @Override
            public void merge(Collection toBeMerged, BoundedWindow mergeResult) {
              merged.add(new ArrayList<BoundedWindow>(toBeMerged));
              results.add(mergeResult);
            }
          });
    } catch (Exception e) {
      throw new IllegalStateException(windowFn + " failed to merge the windows " + windows, e);
    }
    // Applied in the order reported, so a result merged again later in the same call (a WindowFn
    // may chain merges) is found in the map by the later merge. A result that equals a window
    // held apart is merged with it too.
    for (int i = 0; i < merged.size(); i++) {
      BoundedWindow result = results.get(i);
      List<AccumT> accumulators = new ArrayList<>();
      List<Instant> timestamps = new ArrayList<>();
      for (BoundedWindow part : merged.get(i)) {
        Partial p = held.windows.remove(part);
        if (p != null) {
          accumulators.add(p.accumulator);
          timestamps.add(p.timestamp);
          entries--;
        }
      }
      Partial existing = held.windows.remove(result);
      if (existing != null) {
        accumulators.add(existing.accumulator);
        timestamps.add(existing.timestamp);
        entries--;
      }
      if (accumulators.isEmpty()) {
        continue;
      }
      held.windows.put(
          result,
          new Partial(
              accumulators.size() == 1 ? accumulators.get(0) : fold.merge(accumulators),
              timestampCombiner.merge(result, timestamps)));
      entries++;
    }
    held.mergeAt = Math.max(MIN_MERGE_AT, 2 * held.windows.size());
  }
}
