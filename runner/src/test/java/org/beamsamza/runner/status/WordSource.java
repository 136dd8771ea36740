package org.beamsamza.runner.status;

import java.io.Serializable;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Instant;

/**
 * An endless stream of words for a job that must keep running while a test looks at it: word {@code
 * i} of a short text, repeated, at most one per {@code intervalMs} of wall time, with event time
 * {@code i * 10} ms after {@link #EPOCH} (so windows close as it goes); the watermark is the next
 * word's time. Never reaches its end: the test cancels the job.
 */
final class WordSource extends UnboundedSource<String, WordSource.Mark> {
  static final List<String> WORDS =
      List.of(
          "the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "and", "the",
          "dog", "sleeps");
  static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
  static final long EVENT_MILLIS_PER_WORD = 10;

  private final long intervalMs;

  WordSource(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  @Override
  public List<WordSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<String> createReader(PipelineOptions options, Mark mark) {
    return new Reader(mark == null ? 0 : mark.next);
  }

  @Override
  public Coder<Mark> getCheckpointMarkCoder() {
    return SerializableCoder.of(Mark.class);
  }

  @Override
  public Coder<String> getOutputCoder() {
    return StringUtf8Coder.of();
  }

  static final class Mark implements UnboundedSource.CheckpointMark, Serializable {
    final long next;

    Mark(long next) {
      this.next = next;
    }

    @Override
    public void finalizeCheckpoint() {}
  }

  private final class Reader extends UnboundedReader<String> {
    private long next;
    private long current = -1;
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
      long now = System.nanoTime();
      if (current >= 0 && now - lastEmitNanos < intervalMs * 1_000_000) {
        return false;
      }
      lastEmitNanos = now;
      current = next++;
      return true;
    }

    @Override
    public String getCurrent() {
      if (current < 0) {
        throw new NoSuchElementException();
      }
      return WORDS.get((int) (current % WORDS.size()));
    }

    @Override
    public Instant getCurrentTimestamp() {
      return EPOCH.plus(current * EVENT_MILLIS_PER_WORD);
    }

    @Override
    public Instant getWatermark() {
      return EPOCH.plus(next * EVENT_MILLIS_PER_WORD);
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return new Mark(next);
    }

    @Override
    public UnboundedSource<String, ?> getCurrentSource() {
      return WordSource.this;
    }

    @Override
    public void close() {}
  }
}
