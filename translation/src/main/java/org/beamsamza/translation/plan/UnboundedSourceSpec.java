package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.io.UnboundedSource;

/**
 * An unbounded source stream: the Read step it runs and, per partition, the splits that partition
 * reads (interleaved, not one after the other: none of them ends by itself).
 */
public record UnboundedSourceSpec(String stepName, List<List<UnboundedSource<?, ?>>> partitions)
    implements Serializable {}
