package org.beamsamza.translation.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.runtime.metrics.MeteredComponent;
import org.beamsamza.runtime.metrics.MetricsRegistry;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.plan.SourceSpec;
import org.beamsamza.translation.streams.ControlMessage;

/**
 * Beam bounded sources as a Samza system: each stream is one Read, each partition a group of the
 * source's splits, read one after the other on the container's run-loop thread (no hand-off queue).
 * An element's offset is its index in the partition, so a task restarted from a checkpoint re-reads
 * its splits and skips what it had processed. A partition ends with an in-band end-of-stream
 * control message (watermark +infinity) followed by the system's end-of-stream envelope.
 */
public final class BoundedSourceSystem extends InProcessSourceSystem {
  private static final int MAX_BATCH = 1024;

  /** The registry group of the sources' progress. */
  public static final String SOURCE_GROUP = "source";

  private final Map<String, SourceSpec> sources;
  private final PipelineOptions options;
  private final Function<String, MetricsContainer> metricsForStep;

  /**
   * @param metricsForStep the metrics container of a Read step: readers report metrics (e.g. bytes
   *     or records read) while the run loop reads them, outside any operator's call
   */
  public BoundedSourceSystem(
      Map<String, SourceSpec> sources,
      PipelineOptions options,
      Function<String, MetricsContainer> metricsForStep) {
    super("bounded source");
    this.sources = sources;
    this.options = options;
    this.metricsForStep = metricsForStep;
  }

  private SourceSpec source(SystemStream stream) {
    SourceSpec source = sources.get(stream.getStream());
    if (source == null) {
      throw noSuchStream(stream);
    }
    return source;
  }

  @Override
  int partitionCount(SystemStream stream) {
    return source(stream).partitions().size();
  }

  @Override
  SystemConsumer newConsumer() {
    return new Consumer();
  }

  /** Reads the splits of one partition in order. */
  private final class PartitionReader {
    private final SystemStreamPartition ssp;
    private final List<BoundedSource<?>> splits;
    private final MetricsContainer metrics;
    private final long skip;
    private int splitIndex;
    private BoundedSource.BoundedReader<?> reader;

    // Published at the end of each read() for the progress gauges (reporters' threads), so the
    // per-record path reads plain fields.
    private volatile int publishedSplit;
    private volatile BoundedSource.BoundedReader<?> publishedReader;
    private volatile long publishedRecords;
    private boolean readerHasCurrent;
    private long nextOffset;
    private long recordsRead;
    private volatile boolean ended;

    PartitionReader(
        SystemStreamPartition ssp,
        List<BoundedSource<?>> splits,
        long skip,
        MetricsContainer metrics) {
      this.ssp = ssp;
      this.splits = splits;
      this.metrics = metrics;
      this.skip = skip;
    }

    /** Appends up to {@code max} envelopes; returns false once the partition has ended. */
    boolean read(List<IncomingMessageEnvelope> out, int max) throws IOException {
      try {
        return readBatch(out, max);
      } finally {
        publishedSplit = splitIndex;
        publishedReader = reader;
        publishedRecords = recordsRead;
      }
    }

    private boolean readBatch(List<IncomingMessageEnvelope> out, int max) throws IOException {
      while (out.size() < max) {
        if (!advance()) {
          if (!ended) {
            ended = true;
            out.add(
                new IncomingMessageEnvelope(
                    ssp, Long.toString(nextOffset++), null, new ControlMessage.EndOfStream(0)));
            out.add(IncomingMessageEnvelope.endOfStream(ssp));
          }
          return false;
        }
        long offset = nextOffset++;
        recordsRead++;
        if (offset < skip) {
          continue;
        }
        out.add(
            new IncomingMessageEnvelope(
                ssp,
                Long.toString(offset),
                null,
                WindowedValues.timestampedValueInGlobalWindow(
                    reader.getCurrent(), reader.getCurrentTimestamp())));
      }
      return true;
    }

    /** Moves to the next element across splits; false at the end of the last split. */
    private boolean advance() throws IOException {
      while (true) {
        if (reader != null) {
          readerHasCurrent = readerHasCurrent ? reader.advance() : reader.start();
          if (readerHasCurrent) {
            return true;
          }
          reader.close();
          reader = null;
          splitIndex++;
        }
        if (ended || splitIndex >= splits.size()) {
          return false;
        }
        reader = splits.get(splitIndex).createReader(options);
        readerHasCurrent = false;
      }
    }

    /**
     * How much of the partition was read, from 0 to 1: finished splits plus the current reader's
     * own estimate ({@code getFractionConsumed}, which Beam allows from any thread); null when the
     * reader cannot tell.
     */
    Double fractionConsumed() {
      if (ended) {
        return 1.0;
      }
      int done = publishedSplit;
      BoundedSource.BoundedReader<?> current = publishedReader;
      Double within = current == null ? 0.0 : current.getFractionConsumed();
      if (within == null) {
        return null;
      }
      return Math.min(1.0, (done + within) / Math.max(1, splits.size()));
    }

    /** Records read from the source (those skipped after a restart too): no control messages. */
    long recordsRead() {
      return publishedRecords;
    }

    void close() throws IOException {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }
  }

  /**
   * Reads the partitions registered with it; reports each partition's progress in the container's
   * registry (group {@value #SOURCE_GROUP}: {@code <partition>-records-read}, {@code
   * <partition>-fraction-consumed}).
   */
  private final class Consumer implements SystemConsumer, MeteredComponent {
    private final Map<SystemStreamPartition, PartitionReader> readers = new LinkedHashMap<>();
    private MetricsRegistry metricsRegistry;

    @Override
    public void setMetricsRegistry(MetricsRegistry registry) {
      this.metricsRegistry = registry;
    }

    @Override
    public void register(SystemStreamPartition ssp, String startingOffset) {
      SourceSpec source = source(ssp.getSystemStream());
      if (ssp.getPartition() >= source.partitions().size()) {
        throw new IllegalArgumentException("No bounded source partition " + ssp);
      }
      long skip = startingOffset == null ? 0 : Long.parseLong(startingOffset);
      PartitionReader reader =
          new PartitionReader(
              ssp,
              source.partitions().get(ssp.getPartition()),
              skip,
              metricsForStep.apply(source.stepName()));
      readers.put(ssp, reader);
      if (metricsRegistry != null) {
        metricsRegistry.newGauge(SOURCE_GROUP, ssp + "-records-read", reader::recordsRead);
        metricsRegistry.newGauge(
            SOURCE_GROUP, ssp + "-fraction-consumed", reader::fractionConsumed);
      }
    }

    @Override
    public void start() {}

    @Override
    public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
        Set<SystemStreamPartition> ssps, long timeoutMs) {
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result = new HashMap<>();
      for (SystemStreamPartition ssp : ssps) {
        PartitionReader reader = readers.get(ssp);
        if (reader == null || reader.ended) {
          continue;
        }
        List<IncomingMessageEnvelope> batch = new ArrayList<>(Math.min(MAX_BATCH, 64));
        MetricsContainer previous = MetricsEnvironment.setCurrentContainer(reader.metrics);
        try {
          reader.read(batch, MAX_BATCH);
        } catch (IOException e) {
          throw new SourceReadException("Reading " + ssp + " failed", e);
        } finally {
          MetricsEnvironment.setCurrentContainer(previous);
        }
        if (!batch.isEmpty()) {
          result.put(ssp, batch);
        }
      }
      return result;
    }

    @Override
    public void stop() {
      for (PartitionReader reader : readers.values()) {
        try {
          reader.close();
        } catch (IOException e) {
          // closing after the end or after a failure: nothing left to lose
        }
      }
    }
  }

  /** A source failed to read: the job fails with the source's own exception as the cause. */
  public static final class SourceReadException extends RuntimeException {
    SourceReadException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
