package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.List;

/**
 * A fused chain of operators that runs as one task per input partition. Only keyed exchanges and
 * side inputs cross stage boundaries, through streams; everything inside a stage passes Java
 * objects.
 */
public record StagePlan(
    String id,
    int taskCount,
    List<NodeSpec> nodes,
    List<SourceInputSpec> sourceInputs,
    List<KeyedInputSpec> keyedInputs,
    List<BroadcastInputSpec> broadcastInputs,
    List<SinkSpec> sinks)
    implements Serializable {}
