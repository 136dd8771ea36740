package org.beamsamza.translation.operators;

import java.io.Serializable;

/**
 * Creates a fresh operator for one task. Factories are part of the serialized plan that every
 * container reads (DESIGN decision 7), so each holds only serializable pieces (DoFns, coders,
 * windowing strategies, views) and each task gets its own deserialized copy of them.
 */
@FunctionalInterface
public interface OperatorFactory extends Serializable {
  Operator create();
}
