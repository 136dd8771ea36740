package org.beamsamza.translation.plan;

import java.io.Serializable;

/**
 * A source stream of the stage: the splits of a bounded source ({@link ExecutionPlan#sources()}),
 * of an unbounded one ({@link ExecutionPlan#unboundedSources()}) or the script of a TestStream
 * ({@link ExecutionPlan#testStreams()}), each read in process on a source system of its own; or a
 * stream of an external system ({@code external}, e.g. a Kafka topic of a native KafkaIO read).
 */
public record SourceInputSpec(
    String stream, int partitionCount, String outputPCollection, Kind kind, ExternalInput external)
    implements Serializable {
  /** Which system reads the stream. */
  public enum Kind {
    BOUNDED,
    UNBOUNDED,
    TEST_STREAM,
    /** A stream of {@link ExternalInput#system()}. */
    EXTERNAL
  }

  public SourceInputSpec {
    if ((kind == Kind.EXTERNAL) != (external != null)) {
      throw new IllegalArgumentException(
          "Source stream " + stream + ": an external input needs kind EXTERNAL and vice versa");
    }
  }

  public SourceInputSpec(String stream, int partitionCount, String outputPCollection, Kind kind) {
    this(stream, partitionCount, outputPCollection, kind, null);
  }

  public SourceInputSpec(String stream, int partitionCount, String outputPCollection) {
    this(stream, partitionCount, outputPCollection, Kind.BOUNDED);
  }
}
