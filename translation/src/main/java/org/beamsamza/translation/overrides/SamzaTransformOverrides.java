package org.beamsamza.translation.overrides;

import java.util.List;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.PTransformMatcher;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/**
 * The rewrites applied to a pipeline before it is translated, so that translators only ever see
 * what they know (as Beam's runners do with {@code pipeline.replaceAll}).
 *
 * <ul>
 *   <li><b>Reads</b>: Beam expands {@code Read.Bounded}/{@code Read.Unbounded} into splittable
 *       DoFns; they go back to primitive reads (our source systems) unless the job asks for the SDF
 *       path with Beam's own experiment {@code --experiments=use_sdf_read} (Beam's {@code
 *       convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary} makes that choice, and also
 *       honours {@code use_deprecated_read}).
 *   <li><b>Unbounded reads that require deduping</b> ({@code requiresDeduping()}) become a read of
 *       the elements with their record ids, a keyed {@code Deduplicate} by id on the task's store,
 *       and a strip of the ids ({@link DedupingUnboundedRead}); other reads stay primitive. Under
 *       {@code use_sdf_read} the {@code Read.Unbounded} of such a source becomes the same composite
 *       around a splittable-DoFn read of the ids (before the splittable ParDo override below
 *       rewrites that read).
 *   <li><b>Splittable ParDo</b> becomes pair-with-restriction, split, a unique key per element and
 *       restriction, and {@code ProcessKeyedElements}; that becomes runners-core's {@code
 *       GBKIntoKeyedWorkItems} (a keyed exchange) and {@code ProcessElements} (its ProcessFn on
 *       keyed state and timers). The order matters: the second override rewrites what the first
 *       produced.
 * </ul>
 */
public final class SamzaTransformOverrides {
  private SamzaTransformOverrides() {}

  public static void apply(Pipeline pipeline) {
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    pipeline.replaceAll(overrides());
  }

  /**
   * A ParDo of a splittable DoFn. Beam's {@code PTransformMatchers.splittableParDo()} answers by
   * translating every ParDo to its proto (serializing its DoFn); the DoFn's signature says the same
   * without that cost, and without failing on a DoFn that cannot be serialized before the runner
   * gets to name it.
   */
  static PTransformMatcher splittableParDo() {
    return application ->
        application.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo
            && DoFnSignatures.isSplittable(parDo.getFn());
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  static List<PTransformOverride> overrides() {
    return List.of(
        PTransformOverride.of(DedupingUnboundedRead.matcher(), new DedupingUnboundedRead.Factory()),
        PTransformOverride.of(
            DedupingUnboundedRead.sdfMatcher(), new DedupingUnboundedRead.SdfFactory()),
        PTransformOverride.of(splittableParDo(), new SplittableParDo.OverrideFactory()),
        PTransformOverride.of(
            PTransformMatchers.urnEqualTo(PTransformTranslation.SPLITTABLE_PROCESS_KEYED_URN),
            new SplittableParDoViaKeyedWorkItems.OverrideFactory()));
  }
}
