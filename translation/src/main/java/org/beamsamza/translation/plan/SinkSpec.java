package org.beamsamza.translation.plan;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A PCollection of the stage written to an intermediate stream: keyed (partitioned by a hash of the
 * encoded key; {@code keyCoder} set and {@code valueCoder} codes the KV's value) or broadcast (one
 * partition; {@code keyCoder} null and {@code valueCoder} codes the whole element).
 */
public record SinkSpec(
    String pcollection,
    String stream,
    int partitionCount,
    Coder<?> keyCoder,
    Coder<? extends WindowedValue<?>> valueCoder)
    implements Serializable {
  public boolean isKeyed() {
    return keyCoder != null;
  }
}
