package org.beamsamza.translation.plan;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A repartition stream read by the stage: every record goes to one keyed operator (GroupByKey,
 * lifted combine, reshuffle), with the key bytes it was partitioned by.
 */
public record KeyedInputSpec(
    String stream,
    int partitionCount,
    int upstreamTaskCount,
    int targetNode,
    Coder<?> keyCoder,
    Coder<? extends WindowedValue<?>> valueCoder)
    implements Serializable {}
