package org.beamsamza.translation.task;

import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.beamsamza.state.beam.ProcessingClock;
import org.beamsamza.state.kv.KeyValueStore;

/**
 * What an {@link OperatorNode} needs from the task that runs it, and nothing more: the node is
 * handed this narrow view when it is built instead of a reference to the whole {@link StageTask}.
 */
interface TaskServices {
  /** The task's state store, opened on first use (stateless stages never open one). */
  KeyValueStore stateStore();

  /** The task's name, e.g. "stage-1-3", for errors and metrics. */
  String taskName();

  PipelineOptions pipelineOptions();

  /** Calls {@code node}'s processing-time callback soon, after the current call returns. */
  void requestCallback(OperatorNode node);

  /** Where the task reads processing time. */
  ProcessingClock processingClock();

  /**
   * Where step {@code stepName} registers bundle finalization callbacks: they run after the commit
   * covering the bundle.
   */
  DoFn.BundleFinalizer bundleFinalizer(String stepName);
}
