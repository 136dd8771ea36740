package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.TupleTag;
import org.beamsamza.translation.operators.OperatorFactory;

/**
 * One operator of a stage: the Beam step it runs, the PCollections it reads inside the stage (empty
 * for an operator fed only by a repartition stream), the PCollection each output tag writes, and
 * the side-input views it reads.
 */
public record NodeSpec(
    String stepName,
    OperatorFactory factory,
    List<String> mainInputs,
    Map<TupleTag<?>, String> outputs,
    List<String> sideInputViews)
    implements Serializable {}
