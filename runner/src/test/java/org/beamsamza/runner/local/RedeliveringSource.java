package org.beamsamza.runner.local;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * A queue-like source that may deliver a record more than once, so it {@link #requiresDeduping()}:
 * the record id of a Long is its 8 bytes. Each split plays a script of values (a value listed twice
 * is a redelivery; the same value in two splits is the same record) or, without a script, the
 * values {@code 0, 1, 2, ...} up to the control's {@code limit}. A reader returns at most {@code
 * burst} elements and then reports nothing for one {@code advance()}, so each poll batch of the
 * runner holds at most {@code burst} elements of it (a script decides which duplicates fall in one
 * batch and which straddle two). A reader resumed from a checkpoint mark at position {@code p}
 * starts at {@code p - redeliver}: like a queue whose acknowledgements were lost, it delivers the
 * last {@code redeliver} records again. The watermark is the end of time once the script or the
 * limit is done; reading also pauses at the control's {@code pauseAt}. Shared state by id in a
 * static map (the job runs in this JVM).
 */
final class RedeliveringSource extends UnboundedSource<Long, RedeliveringSource.Mark> {
  static final class Control {
    final AtomicLong limit = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong pauseAt = new AtomicLong(Long.MAX_VALUE);

    /** Every record delivered, duplicates included. */
    final AtomicLong delivered = new AtomicLong();

    final List<Long> resumedFrom = new CopyOnWriteArrayList<>();
    final List<Long> finalized = new CopyOnWriteArrayList<>();
  }

  private static final Map<String, Control> CONTROLS = new ConcurrentHashMap<>();

  static Control control(String id) {
    return CONTROLS.computeIfAbsent(id, k -> new Control());
  }

  static byte[] recordId(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  private final String id;
  private final List<List<Long>> scripts;
  private final int split;
  private final int burst;
  private final int redeliver;

  /** One split per script; {@code scripts == null}: one split counting up to the limit. */
  RedeliveringSource(String id, List<List<Long>> scripts, int burst, int redeliver) {
    this(id, scripts, -1, burst, redeliver);
  }

  private RedeliveringSource(
      String id, List<List<Long>> scripts, int split, int burst, int redeliver) {
    this.id = id;
    this.scripts = scripts;
    this.split = split;
    this.burst = burst;
    this.redeliver = redeliver;
    control(id);
  }

  @Override
  public List<RedeliveringSource> split(int desiredNumSplits, PipelineOptions options) {
    if (scripts == null) {
      return List.of(this);
    }
    List<RedeliveringSource> splits = new ArrayList<>();
    for (int i = 0; i < scripts.size(); i++) {
      splits.add(new RedeliveringSource(id, scripts, i, burst, redeliver));
    }
    return splits;
  }

  @Override
  public boolean requiresDeduping() {
    return true;
  }

  @Override
  public UnboundedReader<Long> createReader(PipelineOptions options, Mark mark) {
    if (scripts != null && split < 0) {
      throw new IllegalStateException("read before split");
    }
    long start = 0;
    if (mark != null) {
      control(id).resumedFrom.add(mark.position);
      start = Math.max(0, mark.position - redeliver);
    }
    return new Reader(start);
  }

  @Override
  public Coder<Mark> getCheckpointMarkCoder() {
    return SerializableCoder.of(Mark.class);
  }

  @Override
  public Coder<Long> getOutputCoder() {
    return VarLongCoder.of();
  }

  static final class Mark implements UnboundedSource.CheckpointMark, Serializable {
    final String id;
    final long position;

    Mark(String id, long position) {
      this.id = id;
      this.position = position;
    }

    @Override
    public void finalizeCheckpoint() {
      control(id).finalized.add(position);
    }
  }

  private final class Reader extends UnboundedReader<Long> {
    private long position;
    private Long current;
    private int inBurst;

    Reader(long position) {
      this.position = position;
    }

    private long length() {
      return scripts == null ? control(id).limit.get() : scripts.get(split).size();
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (inBurst == burst) {
        inBurst = 0; // the end of this poll's batch
        return false;
      }
      if (position >= Math.min(length(), control(id).pauseAt.get())) {
        return false;
      }
      current = scripts == null ? position : scripts.get(split).get((int) position);
      position++;
      inBurst++;
      control(id).delivered.incrementAndGet();
      return true;
    }

    @Override
    public Long getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public byte[] getCurrentRecordId() {
      return recordId(getCurrent());
    }

    @Override
    public Instant getCurrentTimestamp() {
      return new Instant(getCurrent());
    }

    @Override
    public Instant getWatermark() {
      return position >= length()
          ? BoundedWindow.TIMESTAMP_MAX_VALUE
          : BoundedWindow.TIMESTAMP_MIN_VALUE;
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return new Mark(id, position);
    }

    @Override
    public UnboundedSource<Long, ?> getCurrentSource() {
      return RedeliveringSource.this;
    }

    @Override
    public void close() {}
  }
}
