package org.beamsamza.translation;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.beamsamza.translation.overrides.SamzaTransformOverrides;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.SourceSpec;
import org.beamsamza.translation.plan.TestStreamSpec;
import org.beamsamza.translation.plan.UnboundedSourceSpec;
import org.beamsamza.translation.spi.TranslatorRegistrar;
import org.beamsamza.translation.translators.CombinePerKeyTranslator;
import org.beamsamza.translation.translators.CreateViewTranslator;
import org.beamsamza.translation.translators.FlattenTranslator;
import org.beamsamza.translation.translators.GbkIntoKeyedWorkItemsTranslator;
import org.beamsamza.translation.translators.GroupByKeyTranslator;
import org.beamsamza.translation.translators.ImpulseTranslator;
import org.beamsamza.translation.translators.ParDoTranslator;
import org.beamsamza.translation.translators.ReadBoundedTranslator;
import org.beamsamza.translation.translators.ReadUnboundedTranslator;
import org.beamsamza.translation.translators.ReshuffleTranslator;
import org.beamsamza.translation.translators.SplittableProcessTranslator;
import org.beamsamza.translation.translators.TestStreamTranslator;
import org.beamsamza.translation.translators.WindowAssignTranslator;

/**
 * Beam pipeline to {@link ExecutionPlan}: walks the pipeline in topological order, hands each
 * transform to the translator registered for its URN (composites first get the chance to be
 * translated whole, e.g. Combine.perKey for lifting), then lets {@link StagePlanner} cut stages.
 * Every transform no translator takes is collected, and translation fails naming all of them.
 */
public final class PipelineTranslator {
  private static final Map<String, TransformTranslator<?>> PRIMITIVES = new HashMap<>();
  private static final Map<String, TransformTranslator<?>> COMPOSITES = new HashMap<>();
  private static final Map<Class<?>, TransformTranslator<?>> BY_CLASS = new HashMap<>();

  static {
    PRIMITIVES.put(PTransformTranslation.IMPULSE_TRANSFORM_URN, new ImpulseTranslator());
    PRIMITIVES.put(PTransformTranslation.READ_TRANSFORM_URN, new ReadBoundedTranslator());
    PRIMITIVES.put(PTransformTranslation.PAR_DO_TRANSFORM_URN, new ParDoTranslator());
    PRIMITIVES.put(PTransformTranslation.GROUP_BY_KEY_TRANSFORM_URN, new GroupByKeyTranslator());
    PRIMITIVES.put(PTransformTranslation.FLATTEN_TRANSFORM_URN, new FlattenTranslator());
    PRIMITIVES.put(
        PTransformTranslation.ASSIGN_WINDOWS_TRANSFORM_URN, new WindowAssignTranslator());
    PRIMITIVES.put(PTransformTranslation.CREATE_VIEW_TRANSFORM_URN, new CreateViewTranslator());
    PRIMITIVES.put(PTransformTranslation.TEST_STREAM_TRANSFORM_URN, new TestStreamTranslator());
    COMPOSITES.put(
        PTransformTranslation.COMBINE_PER_KEY_TRANSFORM_URN, new CombinePerKeyTranslator());
    COMPOSITES.put(PTransformTranslation.RESHUFFLE_URN, new ReshuffleTranslator());
    // Java-only primitives that may have no registered URN.
    BY_CLASS.put(SplittableParDo.PrimitiveBoundedRead.class, new ReadBoundedTranslator());
    BY_CLASS.put(SplittableParDo.PrimitiveUnboundedRead.class, new ReadUnboundedTranslator());
    BY_CLASS.put(View.CreatePCollectionView.class, new CreateViewTranslator());
    // What SamzaTransformOverrides makes of a splittable ParDo (runners-core, no portable URN).
    BY_CLASS.put(
        SplittableParDoViaKeyedWorkItems.GBKIntoKeyedWorkItems.class,
        new GbkIntoKeyedWorkItemsTranslator());
    BY_CLASS.put(
        SplittableParDoViaKeyedWorkItems.ProcessElements.class, new SplittableProcessTranslator());
    BY_CLASS.put(org.apache.beam.sdk.testing.TestStream.class, new TestStreamTranslator());
  }

  private PipelineTranslator() {}

  /**
   * Rewrites what must be rewritten before translation ({@link SamzaTransformOverrides}: reads,
   * splittable ParDo), so that translators see only transforms they know.
   */
  public static void prepare(Pipeline pipeline) {
    SamzaTransformOverrides.apply(pipeline);
  }

  public static ExecutionPlan translate(
      Pipeline pipeline, PipelineOptions options, int parallelism) {
    return translate(pipeline, options, parallelism, new MetricsContainerStepMap());
  }

  /**
   * @param metrics where work done on the client for a step (splitting a source) reports its
   *     metrics; the runner passes the job's own map so that they appear in the job's results
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // the source unit's partitions, by its kind
  public static ExecutionPlan translate(
      Pipeline pipeline,
      PipelineOptions options,
      int parallelism,
      MetricsContainerStepMap metrics) {
    String jobName = sanitize(options.getJobName());
    TranslationContext context = new TranslationContext(pipeline, options, parallelism, metrics);
    pipeline.traverseTopologically(new Visitor(context));
    if (!context.unsupportedTransforms().isEmpty()) {
      throw new UnsupportedOperationException(
          "SamzaRunner cannot run this pipeline; unsupported transforms:\n  "
              + String.join("\n  ", context.unsupportedTransforms()));
    }
    StagePlanner.Result stages = new StagePlanner(context, jobName).plan();
    Map<String, SourceSpec> sources = new HashMap<>();
    Map<String, UnboundedSourceSpec> unboundedSources = new HashMap<>();
    Map<String, TestStreamSpec> testStreams = new HashMap<>();
    for (Object unit : context.units()) {
      if (unit instanceof TranslationContext.SourceUnit source) {
        if (source.kind() == SourceInputSpec.Kind.EXTERNAL) {
          continue; // read by its system's consumer: nothing but the system to configure
        }
        if (source.testStream() != null) {
          testStreams.put(source.stream(), source.testStream());
        } else if (source.kind() == SourceInputSpec.Kind.UNBOUNDED) {
          unboundedSources.put(
              source.stream(),
              new UnboundedSourceSpec(source.stepName(), (List) source.partitions()));
        } else {
          sources.put(
              source.stream(), new SourceSpec(source.stepName(), (List) source.partitions()));
        }
      }
    }
    return new ExecutionPlan(
        jobName,
        new SerializablePipelineOptions(options),
        stages.stages(),
        stages.streams(),
        sources,
        unboundedSources,
        testStreams,
        Map.copyOf(context.externalSystems()));
  }

  /**
   * The job name as plans (and the Kafka topics named from it) use it: {@code beam-job} when empty,
   * every character but letters, digits, '.', '_' and '-' replaced by '-'.
   */
  public static String sanitize(String name) {
    String s = name == null || name.isEmpty() ? "beam-job" : name;
    return s.replaceAll("[^A-Za-z0-9._-]", "-");
  }

  /** Composite translators of the {@link TranslatorRegistrar}s on the classpath. */
  private static final Map<Class<? extends PTransform<?, ?>>, TransformTranslator<?>>
      REGISTERED_COMPOSITES = registeredComposites();

  private static Map<Class<? extends PTransform<?, ?>>, TransformTranslator<?>>
      registeredComposites() {
    Map<Class<? extends PTransform<?, ?>>, TransformTranslator<?>> all = new LinkedHashMap<>();
    for (TranslatorRegistrar registrar :
        ServiceLoader.load(TranslatorRegistrar.class, TranslatorRegistrar.class.getClassLoader())) {
      all.putAll(registrar.compositeTranslators());
    }
    return all;
  }

  private static TransformTranslator<?> registeredComposite(PTransform<?, ?> transform) {
    for (Map.Entry<Class<? extends PTransform<?, ?>>, TransformTranslator<?>> e :
        REGISTERED_COMPOSITES.entrySet()) {
      if (e.getKey().isInstance(transform)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static TransformTranslator<?> translatorFor(
      PTransform<?, ?> transform, Map<String, TransformTranslator<?>> byUrn) {
    TransformTranslator<?> byClass = BY_CLASS.get(transform.getClass());
    if (byClass != null) {
      return byClass;
    }
    if (byUrn == COMPOSITES) {
      TransformTranslator<?> registered = registeredComposite(transform);
      if (registered != null) {
        return registered;
      }
    }
    String urn = PTransformTranslation.urnForTransformOrNull(transform);
    return urn == null ? null : byUrn.get(urn);
  }

  private static final class Visitor extends Pipeline.PipelineVisitor.Defaults {
    private final TranslationContext context;

    Visitor(TranslationContext context) {
      this.context = context;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
      if (node.isRootNode() || node.getTransform() == null) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      TransformTranslator translator = translatorFor(node.getTransform(), COMPOSITES);
      if (translator == null) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      context.setCurrentNode(node);
      if (!translator.canTranslate(node.getTransform(), context)) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      translator.translate(node.getTransform(), context);
      return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void visitPrimitiveTransform(TransformHierarchy.Node node) {
      context.setCurrentNode(node);
      PTransform<?, ?> transform = node.getTransform();
      TransformTranslator translator = translatorFor(transform, PRIMITIVES);
      if (translator == null) {
        String urn = PTransformTranslation.urnForTransformOrNull(transform);
        context.unsupported(
            transform.getClass().getName()
                + (urn == null ? "" : " (" + urn + ")")
                + " has no SamzaRunner translation");
        return;
      }
      translator.translate(transform, context);
    }
  }
}
