package org.beamsamza.translation.operators;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * A key's panes when its whole input is at hand and the trigger is the default one: then Beam's
 * model gives exactly one pane per window (for merging windows, per window after merging: the key's
 * windows merged once, all together, as the ReduceFnRunner merges the windows of one batch of
 * elements), on time, first and last ({@link PaneInfo#ON_TIME_AND_ONLY_FIRING}), holding every
 * value of the window folded by a CombineFn (a list for GroupByKey), at the timestamp the {@link
 * TimestampCombiner} combines from the values' timestamps assigned to that window. What the
 * ReduceFnRunner computes through its state, holds and timers (the Flink batch translation folds
 * windows directly too), at a fraction of the cost per key: {@code SortedGroupByKeyOperatorTest}
 * checks both give the same panes.
 */
final class OnePanePerWindow<K, InputT, AccumT, OutputT> implements Serializable {
  private final Combine.CombineFn<InputT, AccumT, OutputT> fold;
  private final WindowFn<?, BoundedWindow> windowFn;
  private final TimestampCombiner timestampCombiner;
  private final TupleTag<KV<K, OutputT>> outputTag;

  @SuppressWarnings("unchecked")
  OnePanePerWindow(
      Combine.CombineFn<InputT, AccumT, OutputT> fold,
      WindowingStrategy<?, ?> windowing,
      TupleTag<KV<K, OutputT>> outputTag) {
    this.fold = fold;
    this.windowFn = (WindowFn<?, BoundedWindow>) windowing.getWindowFn();
    this.timestampCombiner = windowing.getTimestampCombiner();
    this.outputTag = outputTag;
  }

  /** One window's accumulator and output timestamp so far. */
  private final class Pane {
    AccumT accumulator = fold.createAccumulator();
    Instant timestamp;
  }

  /** Emits the panes of {@code key}, whose elements are all of {@code elements}. */
  void emit(K key, List<WindowedValue<InputT>> elements, OperatorContext context) throws Exception {
    Map<BoundedWindow, BoundedWindow> mergedInto = merge(elements);
    Map<BoundedWindow, Pane> panes = new HashMap<>();
    List<BoundedWindow> order = new ArrayList<>();
    for (WindowedValue<InputT> element : elements) {
      for (BoundedWindow original : element.getWindows()) {
        BoundedWindow window = mergedInto.getOrDefault(original, original);
        Pane pane = panes.get(window);
        if (pane == null) {
          pane = new Pane();
          panes.put(window, pane);
          order.add(window);
        }
        pane.accumulator = fold.addInput(pane.accumulator, element.getValue());
        Instant assigned = timestampCombiner.assign(window, element.getTimestamp());
        pane.timestamp =
            pane.timestamp == null ? assigned : timestampCombiner.combine(pane.timestamp, assigned);
      }
    }
    for (BoundedWindow window : order) {
      Pane pane = panes.get(window);
      context.emit(
          outputTag,
          WindowedValues.of(
              KV.of(key, fold.extractOutput(pane.accumulator)),
              pane.timestamp,
              window,
              PaneInfo.ON_TIME_AND_ONLY_FIRING));
    }
  }

  /**
   * Each window of {@code elements} that merges, mapped to the window it merges into (empty for
   * non-merging windows): one {@code mergeWindows} call over all of them.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Map<BoundedWindow, BoundedWindow> merge(List<WindowedValue<InputT>> elements)
      throws Exception {
    Map<BoundedWindow, BoundedWindow> into = new HashMap<>();
    if (windowFn.isNonMerging()) {
      return into;
    }
    Set<BoundedWindow> windows = new LinkedHashSet<>();
    for (WindowedValue<InputT> element : elements) {
      windows.addAll(element.getWindows());
    }
    WindowFn rawWindowFn = windowFn;
    rawWindowFn.mergeWindows(
        rawWindowFn.new MergeContext() {
          @Override
          public Collection<BoundedWindow> windows() {
            return windows;
          }

          @Override
          public void merge(Collection toBeMerged, BoundedWindow mergeResult) {
            for (Object window : toBeMerged) {
              into.put((BoundedWindow) window, mergeResult);
            }
          }
        });
    // A result merged again in the same call (a WindowFn may chain merges): follow to the end.
    for (Map.Entry<BoundedWindow, BoundedWindow> e : into.entrySet()) {
      BoundedWindow end = e.getValue();
      for (int hops = 0; into.containsKey(end) && !into.get(end).equals(end); hops++) {
        if (hops > into.size()) {
          throw new IllegalStateException(windowFn + " merged windows in a cycle: " + into);
        }
        end = into.get(end);
      }
      e.setValue(end);
    }
    return into;
  }

  /** GroupByKey's fold: the window's values in arrival order. */
  static final class Buffering<V> extends Combine.CombineFn<V, List<V>, Iterable<V>> {
    @Override
    public List<V> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<V> addInput(List<V> accumulator, V input) {
      accumulator.add(input);
      return accumulator;
    }

    @Override
    public List<V> mergeAccumulators(Iterable<List<V>> accumulators) {
      List<V> all = new ArrayList<>();
      accumulators.forEach(all::addAll);
      return all;
    }

    @Override
    public Iterable<V> extractOutput(List<V> accumulator) {
      return accumulator;
    }
  }
}
