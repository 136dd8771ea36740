package org.beamsamza.benchmarks.shapes;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;

/**
 * One benchmark pipeline, the same on every runner: bounded events generated from {@code
 * GenerateSequence} by deterministic functions of the index, ending in a {@link Tally} whose
 * counters {@link ShapeCheck} compares with {@link #expected}, an answer computed by plain Java
 * without Beam.
 */
public interface Shape {

  /** The name used on the command line and in the tables. */
  String name();

  /** Adds the pipeline for {@code events} events to {@code p}, ending in a {@link Tally}. */
  void expand(Pipeline p, long events);

  /**
   * The {@link Tally} counters the pipeline must produce, by counter name ({@link Tally#OUTPUTS},
   * {@link Tally#VALUE}, {@link Tally#CHECKSUM}); a counter left out is not checked (e.g. the
   * number of panes, which depends on when a runner fires a trigger).
   */
  Map<String, Long> expected(long events);

  /** Why {@code runner} (a simple class name) cannot run this shape, or null if it can. */
  default String unsupportedOn(String runner) {
    return null;
  }
}
