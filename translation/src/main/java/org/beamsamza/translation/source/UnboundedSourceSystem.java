package org.beamsamza.translation.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.CheckpointMark;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.runtime.system.CheckpointListener;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.plan.UnboundedSourceSpec;
import org.beamsamza.translation.streams.ControlMessage;
import org.joda.time.Instant;

/**
 * Beam unbounded sources as a Samza system: each stream is one Read, each partition one split (or a
 * few, read together). The readers run on the container's run-loop thread inside {@link
 * SystemConsumer#poll}: each poll calls {@code start()}/{@code advance()} until a reader has
 * nothing now ({@code advance()} false) or the batch is full, so a quiet source never blocks the
 * loop (an empty poll waits at most the loop's own short timeout, and the loop can wake it).
 *
 * <p><b>Offsets and restart (at-least-once).</b> After each poll batch that read data, the
 * partition takes one checkpoint mark per split ({@code getCheckpointMark()}, once per batch, not
 * per element). Every envelope's offset carries the marks that cover everything before it (see
 * {@link UnboundedSourceOffset}): the last element of a batch carries the batch's new marks, the
 * others the marks of the batch before. A restarted task registers at the offset after its
 * checkpoint; the partition decodes those marks with each source's {@code getCheckpointMarkCoder()}
 * and resumes with {@code createReader(options, mark)}. So what is delivered again after a restart
 * is at most the elements of the one batch the checkpoint fell inside (those after its previous
 * mark), plus whatever the source itself replays from a mark; nothing is skipped. A source without
 * a checkpoint yet restarts from its beginning.
 *
 * <p><b>Finalizing.</b> The consumer is a {@link CheckpointListener}: when a commit has written a
 * checkpoint at an offset, every mark taken up to the one that offset carries is finalized ({@code
 * finalizeCheckpoint()}), in order and once, and then dropped. Marks are never finalized before the
 * commit that covers them, and never for work a killed job did not commit.
 *
 * <p><b>Watermarks and end.</b> After each poll the partition's watermark is the least of its
 * readers' {@code getWatermark()}; when it advanced (also on a poll that read nothing, so an idle
 * source whose watermark moves does not hold downstream back) an in-band {@link
 * ControlMessage.Watermark} follows the data. When it reaches {@link
 * BoundedWindow#TIMESTAMP_MAX_VALUE} the partition ends as a bounded one does: an in-band {@link
 * ControlMessage.EndOfStream} then the system's end-of-stream envelope, so a source that finishes
 * ends the job. Elements carry {@code getCurrentTimestamp()} in the global window; record ids are
 * not read here: a source that requires deduping is read through {@code
 * DedupingUnboundedRead.RecordIdSource}, whose elements carry them to a keyed {@code Deduplicate}.
 */
public final class UnboundedSourceSystem extends InProcessSourceSystem {
  static final int MAX_BATCH = 1024;

  private final Map<String, UnboundedSourceSpec> sources;
  private final PipelineOptions options;
  private final Function<String, MetricsContainer> metricsForStep;

  /**
   * @param metricsForStep the metrics container of a Read step, set while its readers run
   */
  public UnboundedSourceSystem(
      Map<String, UnboundedSourceSpec> sources,
      PipelineOptions options,
      Function<String, MetricsContainer> metricsForStep) {
    super("unbounded source");
    this.sources = sources;
    this.options = options;
    this.metricsForStep = metricsForStep;
  }

  private UnboundedSourceSpec source(SystemStream stream) {
    UnboundedSourceSpec source = sources.get(stream.getStream());
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

  @Override
  String offsetAfter(String offset) {
    return UnboundedSourceOffset.after(offset);
  }

  @Override
  java.util.Comparator<String> offsetOrder() {
    return UnboundedSourceOffset.ORDER;
  }

  /** Marks taken together after one batch, waiting for a commit to cover them. */
  private record PendingMarks(long id, List<CheckpointMark> marks) {}

  /** The readers of one partition, their offsets and their marks awaiting finalization. */
  private final class PartitionReader {
    private final SystemStreamPartition ssp;
    private final String stepName;
    private final List<UnboundedSource<?, ?>> splits;
    private final List<UnboundedSource.UnboundedReader<?>> readers = new ArrayList<>();
    private final MetricsContainer metrics;
    private final ArrayDeque<PendingMarks> pending = new ArrayDeque<>();
    private final boolean[] started;
    private long nextSeq;
    private long nextMarkId;

    /** The {@code <markId>:<marks>} covering everything delivered so far. */
    private String markSuffix;

    private Instant emittedWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
    private boolean ended;

    PartitionReader(SystemStreamPartition ssp, UnboundedSourceSpec spec, String startingOffset) {
      this.ssp = ssp;
      this.stepName = spec.stepName();
      this.splits = spec.partitions().get(ssp.getPartition());
      this.metrics = metricsForStep.apply(stepName);
      this.started = new boolean[splits.size()];
      List<byte[]> marks = null;
      if (startingOffset == null) {
        markSuffix = UnboundedSourceOffset.noMark();
      } else {
        nextSeq = UnboundedSourceOffset.seq(startingOffset);
        nextMarkId = UnboundedSourceOffset.markId(startingOffset) + 1;
        markSuffix = UnboundedSourceOffset.markSuffix(startingOffset);
        marks = UnboundedSourceOffset.marks(startingOffset);
        if (marks != null && marks.size() != splits.size()) {
          throw new IllegalStateException(
              "Checkpointed offset of "
                  + ssp
                  + " ("
                  + stepName
                  + ") has "
                  + marks.size()
                  + " checkpoint marks but the partition has "
                  + splits.size()
                  + " splits: the job's source splitting changed since the checkpoint");
        }
      }
      List<byte[]> restored = marks;
      withMetrics(
          "createReader",
          () -> {
            for (int i = 0; i < splits.size(); i++) {
              readers.add(createReader(splits.get(i), restored == null ? null : restored.get(i)));
            }
          });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private UnboundedSource.UnboundedReader<?> createReader(UnboundedSource split, byte[] mark)
        throws Exception {
      CheckpointMark restored =
          mark == null
              ? null
              : (CheckpointMark)
                  CoderUtils.decodeFromByteArray(split.getCheckpointMarkCoder(), mark);
      return split.createReader(options, restored);
    }

    /** Appends what the readers have now (up to {@code max} elements) and any control messages. */
    void read(List<IncomingMessageEnvelope> out, int max) throws Exception {
      List<WindowedValue<?>> values = new ArrayList<>();
      int perReader = Math.max(1, max / readers.size());
      for (int i = 0; i < readers.size(); i++) {
        UnboundedSource.UnboundedReader<?> reader = readers.get(i);
        for (int n = 0; n < perReader; n++) {
          boolean available;
          if (started[i]) {
            available = reader.advance();
          } else {
            started[i] = true;
            available = reader.start();
          }
          if (!available) {
            break;
          }
          values.add(
              WindowedValues.timestampedValueInGlobalWindow(
                  reader.getCurrent(), reader.getCurrentTimestamp()));
        }
      }
      if (!values.isEmpty()) {
        String before = markSuffix;
        markSuffix = takeMarks();
        for (int i = 0; i < values.size(); i++) {
          String suffix = i == values.size() - 1 ? markSuffix : before;
          out.add(
              new IncomingMessageEnvelope(
                  ssp, UnboundedSourceOffset.of(nextSeq++, suffix), null, values.get(i)));
        }
      }
      Instant watermark = BoundedWindow.TIMESTAMP_MAX_VALUE;
      for (UnboundedSource.UnboundedReader<?> reader : readers) {
        Instant w = reader.getWatermark();
        if (w.isBefore(watermark)) {
          watermark = w;
        }
      }
      if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
        ended = true;
        out.add(control(new ControlMessage.EndOfStream(0)));
        out.add(IncomingMessageEnvelope.endOfStream(ssp));
      } else if (watermark.isAfter(emittedWatermark)) {
        emittedWatermark = watermark;
        out.add(control(new ControlMessage.Watermark(0, watermark.getMillis())));
      }
    }

    private IncomingMessageEnvelope control(ControlMessage message) {
      return new IncomingMessageEnvelope(
          ssp, UnboundedSourceOffset.of(nextSeq++, markSuffix), null, message);
    }

    /** One mark per reader, kept for finalization; returns their offset form. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private String takeMarks() throws Exception {
      List<CheckpointMark> marks = new ArrayList<>(readers.size());
      List<byte[]> encoded = new ArrayList<>(readers.size());
      for (int i = 0; i < readers.size(); i++) {
        CheckpointMark mark = readers.get(i).getCheckpointMark();
        Coder coder = splits.get(i).getCheckpointMarkCoder();
        marks.add(mark);
        encoded.add(CoderUtils.encodeToByteArray(coder, mark));
      }
      long id = nextMarkId++;
      pending.add(new PendingMarks(id, marks));
      return UnboundedSourceOffset.markSuffix(id, encoded);
    }

    /** Finalizes, once and in order, every mark up to the one {@code committedOffset} carries. */
    void committed(String committedOffset) {
      long upTo = UnboundedSourceOffset.markId(committedOffset);
      withMetrics(
          "finalizeCheckpoint",
          () -> {
            while (!pending.isEmpty() && pending.peek().id() <= upTo) {
              for (CheckpointMark mark : pending.poll().marks()) {
                mark.finalizeCheckpoint();
              }
            }
          });
    }

    void close() {
      for (UnboundedSource.UnboundedReader<?> reader : readers) {
        try {
          reader.close();
        } catch (Exception e) {
          // stopping: nothing more is read or committed through this reader
        }
      }
    }

    private void withMetrics(String call, ThrowingRunnable action) {
      MetricsContainer previous = MetricsEnvironment.setCurrentContainer(metrics);
      try {
        action.run();
      } catch (Exception e) {
        throw new BoundedSourceSystem.SourceReadException(
            "Unbounded source of step '"
                + stepName
                + "', partition "
                + ssp
                + ": "
                + call
                + " failed after offset seq "
                + (nextSeq - 1)
                + ": "
                + e,
            e);
      } finally {
        MetricsEnvironment.setCurrentContainer(previous);
      }
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private final class Consumer implements SystemConsumer, CheckpointListener {
    private final Map<SystemStreamPartition, PartitionReader> readers = new LinkedHashMap<>();

    @Override
    public void register(SystemStreamPartition ssp, String startingOffset) {
      UnboundedSourceSpec source = source(ssp.getSystemStream());
      if (ssp.getPartition() >= source.partitions().size()) {
        throw new IllegalArgumentException("No unbounded source partition " + ssp);
      }
      readers.put(ssp, new PartitionReader(ssp, source, startingOffset));
    }

    @Override
    public void start() {}

    @Override
    public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
        Set<SystemStreamPartition> ssps, long timeoutMs) throws InterruptedException {
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result = new HashMap<>();
      for (SystemStreamPartition ssp : ssps) {
        PartitionReader reader = readers.get(ssp);
        if (reader == null || reader.ended) {
          continue;
        }
        List<IncomingMessageEnvelope> batch = new ArrayList<>();
        reader.withMetrics("reading", () -> reader.read(batch, MAX_BATCH));
        if (!batch.isEmpty()) {
          result.put(ssp, batch);
        }
      }
      if (result.isEmpty() && timeoutMs > 0) {
        // Nothing now: give the loop the pause it asked for instead of spinning on advance().
        // The run loop unparks its thread to stop; a kill interrupts it.
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return result;
    }

    @Override
    public void onCheckpoint(Map<SystemStreamPartition, String> committedOffsets) {
      committedOffsets.forEach(
          (ssp, offset) -> {
            PartitionReader reader = readers.get(ssp);
            if (reader != null) {
              reader.committed(offset);
            }
          });
    }

    @Override
    public void stop() {
      readers.values().forEach(PartitionReader::close);
    }
  }
}
