package org.beamsamza.translation.plan;

import java.io.Serializable;

/** A source stream of the stage: its partitions are splits of a bounded source, read in process. */
public record SourceInputSpec(String stream, int partitionCount, String outputPCollection)
    implements Serializable {}
