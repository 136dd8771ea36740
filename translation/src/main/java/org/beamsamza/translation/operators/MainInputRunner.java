package org.beamsamza.translation.operators;

import java.util.List;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.state.beam.ByteKey;
import org.beamsamza.state.beam.PushedBack;
import org.joda.time.Instant;

/**
 * A ParDo's runner as its operator drives it: without side inputs the runners-core runner itself;
 * with side inputs wrapped in {@link SimplePushbackSideInputDoFnRunner}, which hands back the
 * elements whose side-input windows are not ready yet; those are kept in the task store ({@link
 * PushedBack}: their input offsets get checkpointed, so a restart must find them), hold the
 * operator's watermark ({@link #pushedBackHold()}) and are retried when side inputs become ready.
 * Shared by the stateless and the stateful ParDo operators so that bundle and pushback handling are
 * written once.
 */
final class MainInputRunner {
  /** Processes a retried element again, under the key {@link #process} was given with it. */
  interface Reprocess {
    void process(ByteKey key, WindowedValue<Object> element);
  }

  private final DoFnRunner<Object, Object> runner;
  private final PushbackSideInputDoFnRunner<Object, Object> pushback;
  private final PushedBack pushedBack;
  private boolean inBundle;

  /**
   * @param sideInputs the step's side inputs, or null if it has none
   * @param pushedBack where elements wait for their side inputs (the task store); null without side
   *     inputs
   */
  MainInputRunner(
      DoFnRunner<Object, Object> runner,
      List<PCollectionView<?>> views,
      SideInputBuffer sideInputs,
      PushedBack pushedBack) {
    this.runner = runner;
    this.pushback =
        sideInputs == null
            ? null
            : SimplePushbackSideInputDoFnRunner.create(runner, views, sideInputs);
    this.pushedBack = pushedBack;
    if (pushback != null && pushedBack == null) {
      throw new IllegalArgumentException("A runner with side inputs needs a pushed-back store");
    }
  }

  /**
   * Where a step with side inputs keeps its pushed-back elements: the task store, under the step,
   * encoded with the full coder of its main input.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static PushedBack pushedBackStore(
      OperatorContext context, Coder<?> valueCoder, Coder<? extends BoundedWindow> windowCoder) {
    return new PushedBack(
        context.stateStore(),
        context.stepName(),
        (Coder) WindowedValues.getFullCoder((Coder) valueCoder, (Coder) windowCoder));
  }

  /** The runner underneath (for timers, which never wait for side inputs). */
  DoFnRunner<Object, Object> runner() {
    return runner;
  }

  void startBundle() {
    inBundle = true;
    if (pushback != null) {
      pushback.startBundle();
    } else {
      runner.startBundle();
    }
  }

  void finishBundle() {
    inBundle = false;
    if (pushback != null) {
      pushback.finishBundle();
    } else {
      runner.finishBundle();
    }
  }

  /**
   * Processes {@code element} in its ready windows and keeps it, with {@code key}, in the others.
   */
  void process(ByteKey key, WindowedValue<Object> element) {
    if (pushback == null) {
      runner.processElement(element);
      return;
    }
    for (WindowedValue<Object> notReady : pushback.processElementInReadyWindows(element)) {
      pushedBack.add(key, notReady);
    }
  }

  boolean hasPushedBack() {
    return pushedBack != null && !pushedBack.isEmpty();
  }

  /** The earliest timestamp of a pushed-back element; the end of time when there is none. */
  Instant pushedBackHold() {
    return pushedBack == null ? BoundedWindow.TIMESTAMP_MAX_VALUE : pushedBack.earliestTimestamp();
  }

  /**
   * Hands every pushed-back element to {@code reprocess} (which processes it again, pushing back
   * what is still not ready), in a bundle of its own: the pushback runner remembers for the rest of
   * a bundle which windows were not ready. Returns false when there was nothing to retry.
   */
  boolean retryPushedBack(OperatorContext context, Reprocess reprocess) {
    if (!hasPushedBack()) {
      return false;
    }
    if (inBundle) {
      finishBundle();
      startBundle();
    } else {
      context.ensureBundleStarted();
    }
    for (PushedBack.Element e : pushedBack.takeAll()) {
      reprocess.process(e.key(), e.value());
    }
    return true;
  }
}
