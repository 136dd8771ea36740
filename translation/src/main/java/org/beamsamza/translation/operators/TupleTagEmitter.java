package org.beamsamza.translation.operators;

import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/** Adapts runners-core's output manager interface to the operator context. */
final class TupleTagEmitter implements WindowedValueMultiReceiver {
  private final OperatorContext context;

  TupleTagEmitter(OperatorContext context) {
    this.context = context;
  }

  @Override
  public <OutputT> void output(TupleTag<OutputT> tag, WindowedValue<OutputT> value) {
    context.emit(tag, value);
  }
}
