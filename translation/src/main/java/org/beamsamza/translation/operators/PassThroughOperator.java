package org.beamsamza.translation.operators;

import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * Forwards every element unchanged: Flatten (whose inputs merge in the node, and whose watermark is
 * the minimum of its inputs') and the receiving side of a Reshuffle (the exchange itself is the
 * repartition stream in front of it).
 */
public final class PassThroughOperator implements Operator {
  public record Spec(TupleTag<?> outputTag) implements OperatorFactory {
    @Override
    public Operator create() {
      return new PassThroughOperator(this);
    }
  }

  private final Spec spec;
  private OperatorContext context;

  PassThroughOperator(Spec spec) {
    this.spec = spec;
  }

  @Override
  public void open(OperatorContext context) {
    this.context = context;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void processElement(WindowedValue<?> element) {
    context.emit((TupleTag<Object>) spec.outputTag(), (WindowedValue<Object>) element);
  }

  @Override
  public void processKeyedElement(byte[] keyBytes, WindowedValue<? extends KV<?, ?>> element) {
    processElement(element);
  }

  @Override
  public void processWatermark(Instant watermark) {
    context.emitWatermark(watermark);
  }
}
