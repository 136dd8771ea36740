package org.beamsamza.translation.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * A ParDo's runner as its operator drives it: without side inputs the runners-core runner itself;
 * with side inputs wrapped in {@link SimplePushbackSideInputDoFnRunner}, which hands back the
 * elements whose side-input windows are not ready yet; those are kept here, hold the operator's
 * watermark ({@link #pushedBackHold()}) and are retried when side inputs become ready. Shared by
 * the stateless and the stateful ParDo operators so that bundle and pushback handling are written
 * once.
 */
final class MainInputRunner {
  /** Processes a retried element again; {@code tag} is what {@link #process} was given with it. */
  interface Reprocess {
    void process(Object tag, WindowedValue<Object> element);
  }

  /** A pushed-back element and the caller's tag for it (the stateful operator's key). */
  private record Pending(Object tag, WindowedValue<Object> element) {}

  private final DoFnRunner<Object, Object> runner;
  private final PushbackSideInputDoFnRunner<Object, Object> pushback;
  private boolean inBundle;
  private List<Pending> pushedBack = new ArrayList<>();
  private Instant pushedBackHold = BoundedWindow.TIMESTAMP_MAX_VALUE;

  MainInputRunner(
      DoFnRunner<Object, Object> runner,
      List<PCollectionView<?>> views,
      SideInputBuffer sideInputs) {
    this.runner = runner;
    this.pushback =
        sideInputs == null
            ? null
            : SimplePushbackSideInputDoFnRunner.create(runner, views, sideInputs);
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
   * Processes {@code element} in its ready windows and keeps it, with {@code tag}, in the others.
   */
  void process(Object tag, WindowedValue<Object> element) {
    if (pushback == null) {
      runner.processElement(element);
      return;
    }
    for (WindowedValue<Object> notReady : pushback.processElementInReadyWindows(element)) {
      // Kept past this call: a grouped Iterable in it must not read a group cleared meanwhile.
      pushedBack.add(new Pending(tag, RetainedValues.stableCopy(notReady)));
      if (notReady.getTimestamp().isBefore(pushedBackHold)) {
        pushedBackHold = notReady.getTimestamp();
      }
    }
  }

  boolean hasPushedBack() {
    return !pushedBack.isEmpty();
  }

  /** The earliest timestamp of a pushed-back element; the end of time when there is none. */
  Instant pushedBackHold() {
    return pushedBackHold;
  }

  /**
   * Hands every pushed-back element to {@code reprocess} (which processes it again, pushing back
   * what is still not ready), in a bundle of its own: the pushback runner remembers for the rest of
   * a bundle which windows were not ready. Returns false when there was nothing to retry.
   */
  boolean retryPushedBack(OperatorContext context, Reprocess reprocess) {
    if (pushedBack.isEmpty()) {
      return false;
    }
    if (inBundle) {
      finishBundle();
      startBundle();
    } else {
      context.ensureBundleStarted();
    }
    List<Pending> retry = pushedBack;
    pushedBack = new ArrayList<>();
    pushedBackHold = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Pending p : retry) {
      reprocess.process(p.tag(), p.element());
    }
    return true;
  }
}
