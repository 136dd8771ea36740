package org.beamsamza.translation.operators;

import java.util.Collections;
import java.util.List;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * A ParDo's runner as its operator drives it: without side inputs the runners-core runner itself;
 * with side inputs wrapped in {@link SimplePushbackSideInputDoFnRunner}, which hands back the
 * elements whose side-input windows are not ready yet. Shared by the stateless and the stateful
 * ParDo operators so that bundle and pushback handling are written once.
 */
final class MainInputRunner {
  private final DoFnRunner<Object, Object> runner;
  private final PushbackSideInputDoFnRunner<Object, Object> pushback;
  private boolean inBundle;

  MainInputRunner(DoFnRunner<Object, Object> runner, List<PCollectionView<?>> views, SideInputBuffer sideInputs) {
    this.runner = runner;
    this.pushback = sideInputs == null ? null : SimplePushbackSideInputDoFnRunner.create(runner, views, sideInputs);
  }

  /** The runner underneath (for timers, which never wait for side inputs). */
  DoFnRunner<Object, Object> runner() {
    return runner;
  }

  boolean inBundle() {
    return inBundle;
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

  /** Processes {@code element} in its ready windows; returns it in the windows that are not ready. */
  Iterable<WindowedValue<Object>> process(WindowedValue<Object> element) {
    if (pushback == null) {
      runner.processElement(element);
      return Collections.emptyList();
    }
    return pushback.processElementInReadyWindows(element);
  }
}
