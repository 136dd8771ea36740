package org.beamsamza.translation.plan;

import java.io.Serializable;

/**
 * A source stream of the stage, read in process: the splits of a bounded source ({@link
 * ExecutionPlan#sources()}), of an unbounded one ({@link ExecutionPlan#unboundedSources()}), or the
 * script of a TestStream ({@link ExecutionPlan#testStreams()}), each {@link Kind} on a source
 * system of its own.
 */
public record SourceInputSpec(
    String stream, int partitionCount, String outputPCollection, Kind kind)
    implements Serializable {
  /** Which source system reads the stream. */
  public enum Kind {
    BOUNDED,
    UNBOUNDED,
    TEST_STREAM
  }

  public SourceInputSpec(String stream, int partitionCount, String outputPCollection) {
    this(stream, partitionCount, outputPCollection, Kind.BOUNDED);
  }
}
