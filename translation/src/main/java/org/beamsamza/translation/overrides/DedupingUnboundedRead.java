package org.beamsamza.translation.overrides;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformMatcher;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.transforms.Deduplicate;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.construction.ReplacementOutputs;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.ValueWithRecordId;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Deduplication of unbounded sources that {@link UnboundedSource#requiresDeduping()} (sources that
 * may deliver a record more than once, such as Pub/Sub-like queues), as Beam's other runners do it.
 * The primitive read of such a source becomes:
 *
 * <ol>
 *   <li>{@code ReadWithIds}: a primitive unbounded read of {@link RecordIdSource}, the same source
 *       whose readers emit {@link ValueWithRecordId} (the element and {@code
 *       getCurrentRecordId()}); same splits, checkpoint marks and watermarks;
 *   <li>{@code Deduplicate}: Beam's {@link Deduplicate#withRepresentativeValueFn} keyed by the
 *       record id (a keyed exchange, so the planner repartitions by id), a stateful DoFn that emits
 *       the first element of each id and remembers the id in keyed state (the task's store, logged
 *       to the changelog when {@code --stateChangelog=true}) until a processing-time timer {@link
 *       #RETENTION} later clears it;
 *   <li>{@code StripIds}: the element alone.
 * </ol>
 *
 * <p><b>Guarantee.</b> A record whose id was emitted less than {@link #RETENTION} of processing
 * time before is dropped: redeliveries by the source, records of two splits that share an id, and
 * the poll batch read again after a restart on the same checkpoints (the ids' state is restored
 * with the task's store). An id older than that is forgotten, and a record with it is emitted
 * again. Record ids are compared as bytes. Sources that do not require deduping are untouched (no
 * ids read, no exchange). With {@code --experiments=use_sdf_read} the same composite replaces the
 * {@code Read.Unbounded} and reads the ids through Beam's splittable-DoFn expansion (whose own
 * deduplication is lost in Beam 2.70, see {@link #sdfMatcher}).
 */
public final class DedupingUnboundedRead<T> extends PTransform<PBegin, PCollection<T>> {
  /** How long an id is remembered (processing time), as Beam's {@code Deduplicate} defaults. */
  public static final Duration RETENTION = Deduplicate.DEFAULT_DURATION;

  private final UnboundedSource<T, ?> source;
  private final boolean primitive;

  /**
   * @param primitive read with our primitive unbounded read; otherwise with Beam's {@code
   *     Read.Unbounded} (its splittable-DoFn expansion, under {@code --experiments=use_sdf_read})
   */
  DedupingUnboundedRead(UnboundedSource<T, ?> source, boolean primitive) {
    this.source = source;
    this.primitive = primitive;
  }

  /** The primitive unbounded reads this override rewrites. */
  static PTransformMatcher matcher() {
    return application ->
        application.getTransform() instanceof SplittableParDo.PrimitiveUnboundedRead<?> read
            && read.getSource().requiresDeduping();
  }

  /**
   * The {@code Read.Unbounded} composites this override rewrites: those left when the job reads
   * through splittable DoFns ({@code use_sdf_read}; otherwise they are primitive reads by now).
   * Beam 2.70's own expansion applies {@code Deduplicate} but then strips the ids of the
   * un-deduplicated collection ({@code Read.Unbounded.expand} discards the deduplicated one), so
   * duplicates would pass; this composite reads the ids through the same expansion and keeps the
   * deduplicated collection.
   */
  static PTransformMatcher sdfMatcher() {
    return application ->
        application.getTransform() instanceof Read.Unbounded<?> read
            && read.getSource().requiresDeduping();
  }

  @Override
  public PCollection<T> expand(PBegin input) {
    Read.Unbounded<ValueWithRecordId<T>> read = Read.from(new RecordIdSource<>(source));
    PCollection<ValueWithRecordId<T>> withIds =
        primitive
            ? input.apply("ReadWithIds", new SplittableParDo.PrimitiveUnboundedRead<>(read))
            : input.apply("ReadWithIds", read);
    return withIds
        .apply(
            "Deduplicate",
            Deduplicate.<ValueWithRecordId<T>, byte[]>withRepresentativeValueFn(
                    ValueWithRecordId::getId)
                .withRepresentativeType(TypeDescriptor.of(byte[].class))
                .withRepresentativeCoder(ByteArrayCoder.of())
                .withDuration(RETENTION))
        .apply("StripIds", ParDo.of(new ValueWithRecordId.StripIdsDoFn<T>()))
        .setCoder(source.getOutputCoder());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    builder.delegate(source);
  }

  /** Replaces a primitive read of a source that requires deduping by this composite. */
  static final class Factory<T>
      implements PTransformOverrideFactory<
          PBegin, PCollection<T>, SplittableParDo.PrimitiveUnboundedRead<T>> {
    @Override
    @SuppressWarnings("unchecked")
    public PTransformReplacement<PBegin, PCollection<T>> getReplacementTransform(
        AppliedPTransform<PBegin, PCollection<T>, SplittableParDo.PrimitiveUnboundedRead<T>>
            transform) {
      UnboundedSource<T, ?> source = (UnboundedSource<T, ?>) transform.getTransform().getSource();
      return PTransformReplacement.of(
          transform.getPipeline().begin(), new DedupingUnboundedRead<>(source, true));
    }

    @Override
    public Map<PCollection<?>, ReplacementOutput> mapOutputs(
        Map<TupleTag<?>, PCollection<?>> outputs, PCollection<T> newOutput) {
      return ReplacementOutputs.singleton(outputs, newOutput);
    }
  }

  /**
   * Replaces a {@code Read.Unbounded} (splittable-DoFn path) of such a source by this composite.
   */
  static final class SdfFactory<T>
      implements PTransformOverrideFactory<PBegin, PCollection<T>, Read.Unbounded<T>> {
    @Override
    public PTransformReplacement<PBegin, PCollection<T>> getReplacementTransform(
        AppliedPTransform<PBegin, PCollection<T>, Read.Unbounded<T>> transform) {
      return PTransformReplacement.of(
          transform.getPipeline().begin(),
          new DedupingUnboundedRead<>(transform.getTransform().getSource(), false));
    }

    @Override
    public Map<PCollection<?>, ReplacementOutput> mapOutputs(
        Map<TupleTag<?>, PCollection<?>> outputs, PCollection<T> newOutput) {
      return ReplacementOutputs.singleton(outputs, newOutput);
    }
  }

  /**
   * A source as one whose elements carry their record ids. Splits, checkpoint marks, watermarks and
   * backlogs are the wrapped source's; it does not require deduping itself (the ids it emits are
   * deduplicated downstream).
   */
  public static final class RecordIdSource<T, MarkT extends UnboundedSource.CheckpointMark>
      extends UnboundedSource<ValueWithRecordId<T>, MarkT> {
    private final UnboundedSource<T, MarkT> source;

    RecordIdSource(UnboundedSource<T, MarkT> source) {
      this.source = source;
    }

    /** The wrapped source (the one the user's pipeline reads). */
    public UnboundedSource<T, MarkT> source() {
      return source;
    }

    @Override
    public List<RecordIdSource<T, MarkT>> split(int desiredNumSplits, PipelineOptions options)
        throws Exception {
      List<RecordIdSource<T, MarkT>> splits = new ArrayList<>();
      for (UnboundedSource<T, MarkT> split : source.split(desiredNumSplits, options)) {
        splits.add(new RecordIdSource<>(split));
      }
      return splits;
    }

    @Override
    public UnboundedReader<ValueWithRecordId<T>> createReader(
        PipelineOptions options, MarkT checkpointMark) throws IOException {
      return new Reader(source.createReader(options, checkpointMark));
    }

    @Override
    public Coder<MarkT> getCheckpointMarkCoder() {
      return source.getCheckpointMarkCoder();
    }

    @Override
    public Coder<ValueWithRecordId<T>> getOutputCoder() {
      return ValueWithRecordId.ValueWithRecordIdCoder.of(source.getOutputCoder());
    }

    @Override
    public boolean requiresDeduping() {
      return false;
    }

    @Override
    public void validate() {
      source.validate();
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      builder.delegate(source);
    }

    private final class Reader extends UnboundedReader<ValueWithRecordId<T>> {
      private final UnboundedReader<T> reader;

      Reader(UnboundedReader<T> reader) {
        this.reader = reader;
      }

      @Override
      public boolean start() throws IOException {
        return reader.start();
      }

      @Override
      public boolean advance() throws IOException {
        return reader.advance();
      }

      @Override
      public ValueWithRecordId<T> getCurrent() throws NoSuchElementException {
        return new ValueWithRecordId<>(reader.getCurrent(), reader.getCurrentRecordId());
      }

      @Override
      public byte[] getCurrentRecordId() throws NoSuchElementException {
        return reader.getCurrentRecordId();
      }

      @Override
      public Instant getCurrentTimestamp() throws NoSuchElementException {
        return reader.getCurrentTimestamp();
      }

      @Override
      public Instant getWatermark() {
        return reader.getWatermark();
      }

      @Override
      public CheckpointMark getCheckpointMark() {
        return reader.getCheckpointMark();
      }

      @Override
      public long getSplitBacklogBytes() {
        return reader.getSplitBacklogBytes();
      }

      @Override
      public long getTotalBacklogBytes() {
        return reader.getTotalBacklogBytes();
      }

      @Override
      public UnboundedSource<ValueWithRecordId<T>, ?> getCurrentSource() {
        return RecordIdSource.this;
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    }
  }
}
