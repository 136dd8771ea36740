package org.beamsamza.translation.source;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * An unbounded source the test drives: element {@code i} (a Long) has timestamp {@code i} seconds;
 * the reader returns elements while {@code i < available}, reports the watermark the test sets,
 * checkpoints its position and records every finalized mark's position.
 */
final class FakeUnboundedSource extends UnboundedSource<Long, FakeUnboundedSource.Mark> {
  /** What a test controls and observes, by source id (sources and marks are copied). */
  static final class Control {
    final AtomicLong available = new AtomicLong();
    final AtomicLong watermarkMillis =
        new AtomicLong(BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());
    final AtomicBoolean failAdvance = new AtomicBoolean();
    final List<Long> finalized = new CopyOnWriteArrayList<>();
    final List<Long> resumedFrom = new CopyOnWriteArrayList<>();
  }

  private static final Map<String, Control> CONTROLS = new ConcurrentHashMap<>();

  static Control control(String id) {
    return CONTROLS.computeIfAbsent(id, k -> new Control());
  }

  private final String id;

  FakeUnboundedSource(String id) {
    this.id = id;
    control(id);
  }

  @Override
  public List<FakeUnboundedSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<Long> createReader(PipelineOptions options, Mark mark) {
    if (mark != null) {
      control(id).resumedFrom.add(mark.position);
    }
    return new Reader(mark == null ? 0 : mark.position);
  }

  @Override
  public Coder<Mark> getCheckpointMarkCoder() {
    return SerializableCoder.of(Mark.class);
  }

  @Override
  public Coder<Long> getOutputCoder() {
    return VarLongCoder.of();
  }

  /** The position after the last element read; finalizing records it. */
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
    private long next;
    private Long current;

    Reader(long next) {
      this.next = next;
    }

    @Override
    public boolean start() throws IOException {
      return advance();
    }

    @Override
    public boolean advance() throws IOException {
      Control c = control(id);
      if (c.failAdvance.get()) {
        throw new IOException("fake source broke");
      }
      if (next >= c.available.get()) {
        return false;
      }
      current = next++;
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
    public Instant getCurrentTimestamp() {
      return new Instant(getCurrent() * 1000);
    }

    @Override
    public Instant getWatermark() {
      return new Instant(control(id).watermarkMillis.get());
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return new Mark(id, next);
    }

    @Override
    public UnboundedSource<Long, ?> getCurrentSource() {
      return FakeUnboundedSource.this;
    }

    @Override
    public void close() {}
  }
}
