package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.io.BoundedSource;

/**
 * A source stream: the Read step it runs and, per partition, the splits that partition reads in
 * order.
 */
public record SourceSpec(String stepName, List<List<BoundedSource<?>>> partitions)
    implements Serializable {}
