package org.beamsamza.translation.source;

import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * Beam's Impulse as a bounded source of one empty byte array at the beginning of time, so that it
 * runs through the same source system as every Read. With {@code empty} it has no element: the
 * source of a Flatten of no inputs.
 */
public final class ImpulseSource extends BoundedSource<byte[]> {
  private final boolean empty;

  private ImpulseSource(boolean empty) {
    this.empty = empty;
  }

  public static ImpulseSource impulse() {
    return new ImpulseSource(false);
  }

  public static ImpulseSource empty() {
    return new ImpulseSource(true);
  }

  @Override
  public List<? extends BoundedSource<byte[]>> split(
      long desiredBundleSizeBytes, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public long getEstimatedSizeBytes(PipelineOptions options) {
    return 0;
  }

  @Override
  public Coder<byte[]> getOutputCoder() {
    return ByteArrayCoder.of();
  }

  @Override
  public BoundedReader<byte[]> createReader(PipelineOptions options) {
    return new BoundedReader<>() {
      private boolean current;

      @Override
      public boolean start() {
        current = !empty;
        return current;
      }

      @Override
      public boolean advance() {
        current = false;
        return false;
      }

      @Override
      public byte[] getCurrent() {
        if (!current) {
          throw new NoSuchElementException();
        }
        return new byte[0];
      }

      @Override
      public Instant getCurrentTimestamp() {
        return BoundedWindow.TIMESTAMP_MIN_VALUE;
      }

      @Override
      public void close() {}

      @Override
      public BoundedSource<byte[]> getCurrentSource() {
        return ImpulseSource.this;
      }
    };
  }
}
