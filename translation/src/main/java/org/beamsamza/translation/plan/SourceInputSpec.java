package org.beamsamza.translation.plan;

import java.io.Serializable;

/**
 * A source stream of the stage, read in process: its partitions are splits of a bounded source
 * ({@link ExecutionPlan#sources()}) or, if {@code unbounded}, of an unbounded one ({@link
 * ExecutionPlan#unboundedSources()}), each kind on its own system.
 */
public record SourceInputSpec(
    String stream, int partitionCount, String outputPCollection, boolean unbounded)
    implements Serializable {}
