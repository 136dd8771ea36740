package org.beamsamza.translation.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.ReadyCheckingSideInputReader;
import org.apache.beam.runners.core.SideInputHandler;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Side-input contents of one operator in one task. Elements of a view's PCollection arrive on the
 * broadcast stream and are buffered per window; a window's contents become readable (in
 * runners-core's {@link SideInputHandler}) once the view's watermark has passed the window's end,
 * which is when every producer has sent all of that window. A window is ready from then on, with
 * empty contents if no element ever arrived for it.
 */
final class SideInputBuffer implements ReadyCheckingSideInputReader {
  private final List<PCollectionView<?>> views;
  private final SideInputHandler handler;
  private final Map<PCollectionView<?>, Map<BoundedWindow, List<Object>>> pending = new HashMap<>();
  private final Map<PCollectionView<?>, Instant> watermarks = new HashMap<>();

  /** Materialized views (ViewFn results, e.g. a Map) per window, valid until the window changes. */
  private final Map<PCollectionView<?>, Map<BoundedWindow, Object>> materialized = new HashMap<>();

  SideInputBuffer(List<PCollectionView<?>> views) {
    this.views = views;
    this.handler = new SideInputHandler(views, InMemoryStateInternals.forKey(null));
    for (PCollectionView<?> view : views) {
      pending.put(view, new HashMap<>());
      watermarks.put(view, BoundedWindow.TIMESTAMP_MIN_VALUE);
      materialized.put(view, new HashMap<>());
    }
  }

  void add(PCollectionView<?> view, WindowedValue<?> element) {
    for (WindowedValue<?> single : element.explodeWindows()) {
      BoundedWindow window = single.getWindows().iterator().next();
      if (isReady(view, window)) {
        // Late side data: add to what readers already see.
        List<Object> merged = new ArrayList<>();
        handler.getIterable(view, window).forEach(merged::add);
        merged.add(single.getValue());
        publish(view, window, merged);
      } else {
        pending.get(view).computeIfAbsent(window, w -> new ArrayList<>()).add(single.getValue());
      }
    }
  }

  /** Returns true if some window of the view became ready. */
  boolean advanceWatermark(PCollectionView<?> view, Instant watermark) {
    if (!watermark.isAfter(watermarks.get(view))) {
      return false;
    }
    watermarks.put(view, watermark);
    Iterator<Map.Entry<BoundedWindow, List<Object>>> it = pending.get(view).entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<BoundedWindow, List<Object>> entry = it.next();
      if (watermark.isAfter(entry.getKey().maxTimestamp())) {
        publish(view, entry.getKey(), entry.getValue());
        it.remove();
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private void publish(PCollectionView<?> view, BoundedWindow window, List<Object> contents) {
    materialized.get(view).remove(window);
    handler.addSideInputValue(
        view,
        WindowedValues.of(
            (Iterable<?>) (Iterable<Object>) contents,
            window.maxTimestamp(),
            window,
            PaneInfo.NO_FIRING));
  }

  @Override
  public boolean isReady(PCollectionView<?> view, BoundedWindow window) {
    return watermarks.get(view).isAfter(window.maxTimestamp());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(PCollectionView<T> view, BoundedWindow window) {
    return (T) materialized.get(view).computeIfAbsent(window, w -> handler.get(view, w));
  }

  @Override
  public <T> boolean contains(PCollectionView<T> view) {
    return views.contains(view);
  }

  @Override
  public boolean isEmpty() {
    return views.isEmpty();
  }
}
