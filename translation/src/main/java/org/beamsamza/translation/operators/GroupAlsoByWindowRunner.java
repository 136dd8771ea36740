package org.beamsamza.translation.operators;

import java.util.Collections;
import java.util.function.Supplier;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.GroupAlsoByWindowViaWindowSetNewDoFn;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateInternalsFactory;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.values.KV;

/**
 * runners-core's group-also-by-window DoFn (ReduceFnRunner) in a simple DoFnRunner, built one way
 * for both grouping operators (streaming and sorted), which differ only in where a key's state and
 * timers live.
 */
final class GroupAlsoByWindowRunner {
  private GroupAlsoByWindowRunner() {}

  /**
   * @param states the state of the key being processed
   * @param timers the timers of the key being processed (asked on every call)
   */
  static <K, InputT, OutputT> DoFnRunner<KeyedWorkItem<K, InputT>, KV<K, OutputT>> create(
      GroupByKeyOperator.Spec<K, InputT, OutputT> spec,
      OperatorContext context,
      StateInternalsFactory<K> states,
      Supplier<TimerInternals> timers) {
    TupleTagEmitter emitter = new TupleTagEmitter(context);
    DoFn<KeyedWorkItem<K, InputT>, KV<K, OutputT>> gabw =
        GroupAlsoByWindowViaWindowSetNewDoFn.create(
            spec.windowingStrategy(),
            states,
            key -> timers.get(),
            NullSideInputReader.empty(),
            spec.reduceFn().create(),
            emitter,
            spec.outputTag());
    StepContext stepContext =
        new StepContext() {
          @Override
          public StateInternals stateInternals() {
            throw new UnsupportedOperationException("GroupAlsoByWindow uses its own factories");
          }

          @Override
          public TimerInternals timerInternals() {
            return timers.get();
          }
        };
    return DoFnRunners.simpleRunner(
        context.pipelineOptions(),
        gabw,
        NullSideInputReader.empty(),
        emitter,
        spec.outputTag(),
        Collections.emptyList(),
        stepContext,
        null,
        Collections.emptyMap(),
        spec.windowingStrategy(),
        DoFnSchemaInformation.create(),
        Collections.emptyMap());
  }
}
