package org.beamsamza.translation.operators;

import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.state.kv.KeyValueStore;
import org.joda.time.Instant;

/** What an operator may see and do from inside its task. */
public interface OperatorContext {
  /**
   * The task's state store (opened, and restored from its changelog, on first use). Keyed operators
   * keep their state, timers and holds in it under their own step name; a task whose operators
   * never ask opens no store.
   */
  KeyValueStore stateStore();

  /** The Beam step name (full transform name), for errors and metrics. */
  String stepName();

  /** The task running this operator, e.g. "stage-1-3". */
  String taskName();

  PipelineOptions pipelineOptions();

  /**
   * The task's clock: the only source of processing time for timers and processing-time triggers
   * (the wall clock in production; tests and TestStream advance their own).
   */
  ProcessingClock processingClock();

  /**
   * Where the step's DoFns register {@link DoFn.BundleFinalizer} callbacks: they run once the
   * commit that makes the current bundle's output durable has completed.
   */
  DoFn.BundleFinalizer bundleFinalizer();

  /** Sends an element to the PCollection of output {@code tag}. */
  <T> void emit(TupleTag<T> tag, WindowedValue<T> element);

  /** Advances the watermark of every output PCollection. Calls that would go back are ignored. */
  void emitWatermark(Instant watermark);

  /**
   * Asks the task to call {@link Operator#processProcessingTime} soon, outside the current call
   * (e.g. after pushed-back elements became processable).
   */
  void requestProcessingTimeCallback();

  /**
   * Starts this operator's bundle if it is not in one (for work done outside an element call, such
   * as retrying pushed-back elements on a processing-time callback).
   */
  void ensureBundleStarted();
}
