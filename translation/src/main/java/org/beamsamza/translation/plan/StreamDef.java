package org.beamsamza.translation.plan;

import java.io.Serializable;

/** An intermediate stream of the plan: who writes it, who reads it, how many partitions. */
public record StreamDef(
    String name, int partitionCount, boolean broadcast, String producerStage, String consumerStage)
    implements Serializable {}
