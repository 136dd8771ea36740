package org.beamsamza.translation.operators;

import java.util.Collection;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;

/**
 * Window.into: assigns each element (in each of its current windows) to the windows of a WindowFn.
 */
public final class AssignWindowsOperator<T, W extends BoundedWindow> implements Operator {
  public record Spec<T, W extends BoundedWindow>(WindowFn<T, W> windowFn, TupleTag<T> outputTag)
      implements OperatorFactory {
    @Override
    public Operator create() {
      return new AssignWindowsOperator<>(this);
    }
  }

  private final Spec<T, W> spec;
  private OperatorContext context;

  AssignWindowsOperator(Spec<T, W> spec) {
    this.spec = spec;
  }

  @Override
  public void open(OperatorContext context) {
    this.context = context;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(WindowedValue<?> element) throws Exception {
    WindowFn<T, W> windowFn = spec.windowFn();
    for (WindowedValue<?> single : element.explodeWindows()) {
      WindowedValue<T> value = (WindowedValue<T>) single;
      BoundedWindow current = value.getWindows().iterator().next();
      Collection<W> windows =
          windowFn.assignWindows(
              windowFn.new AssignContext() {
                @Override
                public T element() {
                  return value.getValue();
                }

                @Override
                public Instant timestamp() {
                  return value.getTimestamp();
                }

                @Override
                public BoundedWindow window() {
                  return current;
                }
              });
      context.emit(
          spec.outputTag(),
          WindowedValues.of(value.getValue(), value.getTimestamp(), windows, value.getPaneInfo()));
    }
  }

  @Override
  public void processWatermark(Instant watermark) {
    context.emitWatermark(watermark);
  }
}
