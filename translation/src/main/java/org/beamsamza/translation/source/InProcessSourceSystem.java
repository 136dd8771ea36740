package org.beamsamza.translation.source;

import java.util.Comparator;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * What the systems that read a pipeline's sources in process share (bounded and unbounded sources,
 * TestStreams): their streams exist because the plan names them (nothing to create), they cannot be
 * written to, and each has a consumer of its own. By default an offset counts the envelopes of a
 * partition; a system whose offsets carry more overrides the two offset methods.
 */
abstract class InProcessSourceSystem implements SystemFactory {
  /** What the streams are, for errors: "bounded source", "TestStream", ... */
  private final String kind;

  InProcessSourceSystem(String kind) {
    this.kind = kind;
  }

  /** Partitions of a stream of this system; fails naming the stream if the plan has no such. */
  abstract int partitionCount(SystemStream stream);

  abstract SystemConsumer newConsumer();

  String offsetAfter(String offset) {
    return Long.toString(Long.parseLong(offset) + 1);
  }

  Comparator<String> offsetOrder() {
    return Comparator.comparingLong(Long::parseLong);
  }

  /** The error for a stream the plan does not have. */
  IllegalArgumentException noSuchStream(SystemStream stream) {
    return new IllegalArgumentException("No " + kind + " stream " + stream);
  }

  @Override
  public final SystemConsumer getConsumer(String systemName, Config config) {
    return newConsumer();
  }

  @Override
  public final SystemProducer getProducer(String systemName, Config config) {
    throw new UnsupportedOperationException(
        "System " + systemName + " reads " + kind + " streams; they cannot be written to");
  }

  @Override
  public final SystemAdmin getAdmin(String systemName, Config config) {
    return new SystemAdmin() {
      @Override
      public boolean createStream(StreamSpec spec) {
        return false;
      }

      @Override
      public int getPartitionCount(SystemStream stream) {
        return partitionCount(stream);
      }

      @Override
      public String getOffsetAfter(SystemStreamPartition ssp, String offset) {
        return offsetAfter(offset);
      }

      @Override
      public Comparator<String> offsetComparator() {
        return offsetOrder();
      }
    };
  }
}
