package org.beamsamza.runner.local;

import java.io.Serializable;
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
 * A streaming source for tests: element {@code i} (a Long) has event time {@code i * 100} ms and is
 * emitted at most one per {@code intervalMs} of wall time, up to the control's {@code limit}
 * (unlimited by default); the watermark is the next element's time, and the end of time once the
 * limit is reached. Checkpoints its position; records the highest position emitted, every position
 * a reader resumed from and every finalized mark. State shared with the test lives in a static map
 * by id (the pipeline's copy of the source is deserialized in this JVM).
 */
final class RateSource extends UnboundedSource<Long, RateSource.Mark> {
  static final long MILLIS_PER_ELEMENT = 100;

  static final class Control {
    final AtomicLong limit = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong emitted = new AtomicLong();
    final List<Long> resumedFrom = new CopyOnWriteArrayList<>();
    final List<Long> finalized = new CopyOnWriteArrayList<>();
  }

  private static final Map<String, Control> CONTROLS = new ConcurrentHashMap<>();

  static Control control(String id) {
    return CONTROLS.computeIfAbsent(id, k -> new Control());
  }

  private final String id;
  private final long intervalMs;

  RateSource(String id, long intervalMs) {
    this.id = id;
    this.intervalMs = intervalMs;
    control(id);
  }

  @Override
  public List<RateSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<Long> createReader(PipelineOptions options, Mark mark) {
    if (mark != null) {
      control(id).resumedFrom.add(mark.next);
    }
    return new Reader(mark == null ? 0 : mark.next);
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
    final long next;

    Mark(String id, long next) {
      this.id = id;
      this.next = next;
    }

    @Override
    public void finalizeCheckpoint() {
      control(id).finalized.add(next);
    }
  }

  private final class Reader extends UnboundedReader<Long> {
    private long next;
    private Long current;
    private long lastEmitNanos;

    Reader(long next) {
      this.next = next;
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      Control c = control(id);
      long now = System.nanoTime();
      if (next >= c.limit.get() || now - lastEmitNanos < intervalMs * 1_000_000) {
        return false;
      }
      lastEmitNanos = now;
      current = next++;
      c.emitted.accumulateAndGet(next, Math::max);
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
      return new Instant(getCurrent() * MILLIS_PER_ELEMENT);
    }

    @Override
    public Instant getWatermark() {
      return next >= control(id).limit.get()
          ? BoundedWindow.TIMESTAMP_MAX_VALUE
          : new Instant(next * MILLIS_PER_ELEMENT);
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return new Mark(id, next);
    }

    @Override
    public UnboundedSource<Long, ?> getCurrentSource() {
      return RateSource.this;
    }

    @Override
    public void close() {}
  }
}
