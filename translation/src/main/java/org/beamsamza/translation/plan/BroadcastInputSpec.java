package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;

/** A side input read whole by every task of the stage, delivered to the nodes that use the view. */
public record BroadcastInputSpec(
    String stream,
    int upstreamTaskCount,
    PCollectionView<?> view,
    List<Integer> targetNodes,
    Coder<? extends WindowedValue<?>> elementCoder)
    implements Serializable {}
