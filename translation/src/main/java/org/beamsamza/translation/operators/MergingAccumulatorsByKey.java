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
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.joda.time.Instant;

/**
 * The held accumulators of windows that merge (sessions, a custom merging {@link WindowFn}),
 * grouped by key: each key's windows are merged as they are held, their accumulators merged with
 * the CombineFn and their output timestamps with the {@link TimestampCombiner}, so that a key's
 * many session fragments cross the exchange as one accumulator per merged window. The grouping
 * after the exchange merges again, across tasks and emissions, as it would merge the elements' own
 * windows: merging is what the WindowFn does to any windows it is given (Beam's Flink and Spark
 * batch translations pre-merge the same way).
 *
 * <p>How a key's windows merge depends on the WindowFn:
 *
 * <ul>
 *   <li>{@link Sessions} merges windows that overlap into their span, so a key keeps disjoint
 *       intervals sorted by start and an arriving window merges at once with those it overlaps
 *       ({@link OverlapMerged}): a key whose elements fall in one session costs a lookup and an
 *       {@code addInput} per element.
 *   <li>Any other merging WindowFn is asked through {@code mergeWindows} ({@link WindowFnMerged}),
 *       when a key holds twice the windows it held after its last merge (at least {@link
 *       #MIN_MERGE_AT}), and before its windows are released.
 * </ul>
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
    BoundedWindow window;
    AccumT accumulator;
    Instant timestamp;

    Partial(BoundedWindow window, AccumT accumulator, Instant timestamp) {
      this.window = window;
      this.accumulator = accumulator;
      this.timestamp = timestamp;
    }
  }

  /** One key's held windows. */
  private abstract class KeyWindows {
    final K key;

    KeyWindows(K key) {
      this.key = key;
    }

    /** Folds an input in; returns the change in the number of windows held. */
    abstract int add(BoundedWindow window, Instant timestamp, InputT input);

    /** Merges whatever may still merge; returns the change in the number of windows held. */
    abstract int mergeAll();

    /** The held windows' partials; removable through the iterator. */
    abstract Iterator<Partial> partials();

    abstract boolean isEmpty();
  }

  private final AccumulatorFold<InputT, AccumT> fold;
  private final WindowFn<?, BoundedWindow> windowFn;
  private final TimestampCombiner timestampCombiner;
  private final boolean overlapMerging;
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
    // exactly Sessions: a subclass may merge differently
    this.overlapMerging = windowFn.getClass() == Sessions.class;
  }

  @Override
  public void add(
      K key, Object structuralKey, BoundedWindow window, Instant timestamp, InputT input) {
    KeyWindows held = byKey.get(structuralKey);
    if (held == null) {
      held = overlapMerging ? new OverlapMerged(key) : new WindowFnMerged(key);
      byKey.put(structuralKey, held);
    }
    entries += held.add(window, timestamp, input);
    if (timestamp.isBefore(leastTimestamp)) {
      leastTimestamp = timestamp;
    }
    if (window.maxTimestamp().isBefore(leastWindowEnd)) {
      leastWindowEnd = window.maxTimestamp();
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
    for (Iterator<KeyWindows> it = byKey.values().iterator(); it.hasNext(); ) {
      KeyWindows held = it.next();
      entries += held.mergeAll();
      for (Iterator<Partial> partials = held.partials(); partials.hasNext(); ) {
        Partial p = partials.next();
        if (which.test(p.window)) {
          partials.remove();
          entries--;
          out.accept(held.key, p.accumulator, p.timestamp, p.window);
        } else {
          if (p.timestamp.isBefore(leastTimestamp)) {
            leastTimestamp = p.timestamp;
          }
          if (p.window.maxTimestamp().isBefore(leastWindowEnd)) {
            leastWindowEnd = p.window.maxTimestamp();
          }
        }
      }
      if (held.isEmpty()) {
        it.remove();
      }
    }
  }

  /** {@code a} and {@code b} merged into {@code window}, without a list for the common case. */
  private Instant mergeTimestamps(BoundedWindow window, Instant a, Instant b) {
    return timestampCombiner == TimestampCombiner.END_OF_WINDOW
        ? window.maxTimestamp()
        : timestampCombiner.combine(a, b);
  }

  /**
   * Sessions' windows: disjoint intervals sorted by start (so by end too), each arriving window
   * merged at once with every interval it overlaps into their span, as {@code
   * MergeOverlappingIntervalWindows} merges them.
   */
  private final class OverlapMerged extends KeyWindows {
    OverlapMerged(K key) {
      super(key);
    }

    private final ArrayList<Partial> sorted = new ArrayList<>(2);

    @Override
    int add(BoundedWindow boundedWindow, Instant timestamp, InputT input) {
      IntervalWindow window = (IntervalWindow) boundedWindow;
      int from = firstEndingAfter(window.start());
      int to = from;
      while (to < sorted.size() && interval(to).start().isBefore(window.end())) {
        to++;
      }
      if (from == to) { // overlaps nothing
        sorted.add(from, new Partial(window, fold.first(input), timestamp));
        return 1;
      }
      Partial first = sorted.get(from);
      if (to - from == 1 && interval(from).contains(window)) {
        first.accumulator = fold.add(first.accumulator, input);
        first.timestamp = mergeTimestamps(first.window, first.timestamp, timestamp);
        return 0;
      }
      IntervalWindow span = window;
      List<AccumT> accumulators = new ArrayList<>(to - from);
      Instant[] timestamps = new Instant[to - from + 1];
      for (int i = from; i < to; i++) {
        Partial p = sorted.get(i);
        span = span.span(interval(i));
        accumulators.add(p.accumulator);
        timestamps[i - from] = p.timestamp;
      }
      timestamps[to - from] = timestamp;
      AccumT merged = accumulators.size() == 1 ? accumulators.get(0) : fold.merge(accumulators);
      first.window = span;
      first.accumulator = fold.add(merged, input);
      first.timestamp = timestampCombiner.merge(span, timestamps);
      sorted.subList(from + 1, to).clear();
      return -(to - from - 1);
    }

    private IntervalWindow interval(int i) {
      return (IntervalWindow) sorted.get(i).window;
    }

    /** The index of the first interval ending after {@code start} (the first it may overlap). */
    private int firstEndingAfter(Instant start) {
      int lo = 0;
      int hi = sorted.size();
      // the common case: the key's latest interval, or after it
      if (hi == 0 || !interval(hi - 1).end().isAfter(start)) {
        return hi;
      }
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (interval(mid).end().isAfter(start)) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }

    @Override
    int mergeAll() {
      return 0; // merged as they came
    }

    @Override
    Iterator<Partial> partials() {
      return sorted.iterator();
    }

    @Override
    boolean isEmpty() {
      return sorted.isEmpty();
    }
  }

  /**
   * Any other merging WindowFn: windows held as they came (equal windows folded together) and
   * merged by {@code mergeWindows} when their number doubles, and before a release.
   */
  private final class WindowFnMerged extends KeyWindows {
    WindowFnMerged(K key) {
      super(key);
    }

    private final Map<BoundedWindow, Partial> windows = new LinkedHashMap<>();
    private int mergeAt = MIN_MERGE_AT;
    private int sizeAtLastMerge = -1;

    @Override
    int add(BoundedWindow window, Instant timestamp, InputT input) {
      Partial partial = windows.get(window);
      if (partial != null) {
        partial.accumulator = fold.add(partial.accumulator, input);
        partial.timestamp = timestampCombiner.combine(partial.timestamp, timestamp);
        return 0;
      }
      windows.put(window, new Partial(window, fold.first(input), timestamp));
      sizeAtLastMerge = -1;
      return windows.size() >= mergeAt ? 1 + mergeAll() : 1;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    int mergeAll() {
      int before = windows.size();
      if (before < 2 || before == sizeAtLastMerge) {
        return 0;
      }
      List<Collection<BoundedWindow>> merged = new ArrayList<>();
      List<BoundedWindow> results = new ArrayList<>();
      Collection<BoundedWindow> all = new ArrayList<>(windows.keySet());
      WindowFn rawWindowFn = windowFn;
      try {
        rawWindowFn.mergeWindows(
            rawWindowFn.new MergeContext() {
              @Override
              public Collection<BoundedWindow> windows() {
                return all;
              }

              @Override
              public void merge(Collection toBeMerged, BoundedWindow mergeResult) {
                merged.add(new ArrayList<BoundedWindow>(toBeMerged));
                results.add(mergeResult);
              }
            });
      } catch (Exception e) {
        throw new IllegalStateException(windowFn + " failed to merge the windows " + all, e);
      }
      // Applied in the order reported, so a result merged again later in the same call (a
      // WindowFn may chain merges) is found by the later merge. A result equal to a window held
      // apart is merged with it too.
      for (int i = 0; i < merged.size(); i++) {
        BoundedWindow result = results.get(i);
        List<AccumT> accumulators = new ArrayList<>();
        List<Instant> timestamps = new ArrayList<>();
        for (BoundedWindow part : merged.get(i)) {
          Partial p = windows.remove(part);
          if (p != null) {
            accumulators.add(p.accumulator);
            timestamps.add(p.timestamp);
          }
        }
        Partial existing = windows.remove(result);
        if (existing != null) {
          accumulators.add(existing.accumulator);
          timestamps.add(existing.timestamp);
        }
        if (!accumulators.isEmpty()) {
          AccumT accumulator =
              accumulators.size() == 1 ? accumulators.get(0) : fold.merge(accumulators);
          windows.put(
              result,
              new Partial(result, accumulator, timestampCombiner.merge(result, timestamps)));
        }
      }
      sizeAtLastMerge = windows.size();
      mergeAt = Math.max(MIN_MERGE_AT, 2 * windows.size());
      return windows.size() - before;
    }

    @Override
    Iterator<Partial> partials() {
      Iterator<Partial> values = windows.values().iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return values.hasNext();
        }

        @Override
        public Partial next() {
          return values.next();
        }

        @Override
        public void remove() {
          values.remove();
          sizeAtLastMerge = -1;
        }
      };
    }

    @Override
    boolean isEmpty() {
      return windows.isEmpty();
    }
  }
}
