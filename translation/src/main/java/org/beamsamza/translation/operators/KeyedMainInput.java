package org.beamsamza.translation.operators;

import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;

/**
 * The input side that every keyed DoFn operator shares (stateful ParDo, splittable process), so
 * that it is written once: the watermark its timers see is the input watermark held back by the
 * elements pushed back for their side inputs (they are input not yet processed, and would be
 * dropped as late once the watermark had passed their windows); side-input data and watermarks,
 * which make pushed-back elements ready; and the processing-time callback, which retries them
 * before it fires the processing-time timers due.
 */
final class KeyedMainInput {
  private final OperatorContext context;
  private final MainInputRunner runner;
  private final SideInputBuffer sideInputs;
  private final KeyedTimerDriver driver;
  private final MainInputRunner.Reprocess reprocess;
  private Instant inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /**
   * @param sideInputs the operator's side inputs, or null if it has none
   * @param reprocess processes a retried element again (under its key, the tag it was pushed back
   *     with)
   */
  KeyedMainInput(
      OperatorContext context,
      MainInputRunner runner,
      SideInputBuffer sideInputs,
      KeyedTimerDriver driver,
      MainInputRunner.Reprocess reprocess) {
    this.context = context;
    this.runner = runner;
    this.sideInputs = sideInputs;
    this.driver = driver;
    this.reprocess = reprocess;
  }

  void processWatermark(Instant watermark) {
    inputWatermark = watermark;
    advanceTimersWatermark();
  }

  private void advanceTimersWatermark() {
    driver.advanceInputWatermark(
        KeyedTimerDriver.earliest(inputWatermark, runner.pushedBackHold()));
  }

  void processSideInput(PCollectionView<?> view, WindowedValue<?> element) {
    sideInputs.add(view, element);
  }

  void processSideInputWatermark(PCollectionView<?> view, Instant watermark) {
    if (sideInputs.advanceWatermark(view, watermark)) {
      runner.onSideInputsAdvanced();
    }
    if (runner.hasPushedBack()) {
      context.requestProcessingTimeCallback();
    }
    driver.emitOutputWatermark();
  }

  void processProcessingTime(Instant now) {
    if (runner.retryPushedBack(context, reprocess)) {
      advanceTimersWatermark();
    }
    driver.fireProcessingTimers(now);
  }
}
