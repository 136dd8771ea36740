package org.beamsamza.translation.operators;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;

/**
 * Opens an operator from its {@code Spec} on a {@link FakeOperatorContext} and drives it as a
 * task's operator node does: a bundle is started lazily before an element (or when the operator
 * asks with {@code ensureBundleStarted}), and the open bundle is finished before a new input
 * watermark is delivered. Every call into the operator is logged ({@link #calls()}).
 */
public final class OperatorHarness implements AutoCloseable {
  private final Operator operator;
  private final FakeOperatorContext context;
  private final List<String> calls = new ArrayList<>();
  private boolean inBundle;
  private boolean closed;

  private OperatorHarness(Operator operator, FakeOperatorContext context) {
    this.operator = operator;
    this.context = context;
  }

  public static OperatorHarness open(OperatorFactory spec) throws Exception {
    return open(spec, new FakeOperatorContext("test-step"));
  }

  public static OperatorHarness open(OperatorFactory spec, FakeOperatorContext context)
      throws Exception {
    OperatorHarness harness = new OperatorHarness(spec.create(), context);
    context.onEnsureBundleStarted(harness::startBundleIfNeededUnchecked);
    harness.calls.add("open");
    harness.operator.open(context);
    return harness;
  }

  public FakeOperatorContext context() {
    return context;
  }

  public Operator operator() {
    return operator;
  }

  /** The calls made into the operator, in order ("startBundle", "processElement", ...). */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  public boolean inBundle() {
    return inBundle;
  }

  public void startBundle() throws Exception {
    if (inBundle) {
      throw new IllegalStateException("bundle already started");
    }
    inBundle = true;
    calls.add("startBundle");
    operator.startBundle();
  }

  private void startBundleIfNeeded() throws Exception {
    if (!inBundle) {
      startBundle();
    }
  }

  private void startBundleIfNeededUnchecked() {
    try {
      startBundleIfNeeded();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  public void finishBundle() throws Exception {
    if (inBundle) {
      inBundle = false;
      calls.add("finishBundle");
      operator.finishBundle();
    }
  }

  public void processElement(WindowedValue<?> element) throws Exception {
    startBundleIfNeeded();
    calls.add("processElement");
    operator.processElement(element);
  }

  /**
   * Delivers a keyed element as a repartition stream would: with its key encoded by {@code
   * keyCoder}.
   */
  public <K> void processKeyedElement(Coder<K> keyCoder, WindowedValue<? extends KV<K, ?>> element)
      throws Exception {
    startBundleIfNeeded();
    calls.add("processKeyedElement");
    operator.processKeyedElement(
        StreamRecords.encodeKey(keyCoder, element.getValue().getKey()), element);
  }

  /** A new input watermark: the open bundle is finished first, as the operator node does. */
  public void processWatermark(Instant watermark) throws Exception {
    finishBundle();
    calls.add("processWatermark");
    operator.processWatermark(watermark);
  }

  /** The task's window tick at {@code now}; then the bundle it may have started is finished. */
  public void processProcessingTime(Instant now) throws Exception {
    calls.add("processProcessingTime");
    context.setProcessingTime(now); // the tick's now is the task clock's now
    operator.processProcessingTime(now);
    finishBundle();
  }

  public void processSideInput(PCollectionView<?> view, WindowedValue<?> element) throws Exception {
    calls.add("processSideInput");
    operator.processSideInput(view, element);
  }

  public void processSideInputWatermark(PCollectionView<?> view, Instant watermark)
      throws Exception {
    calls.add("processSideInputWatermark");
    operator.processSideInputWatermark(view, watermark);
  }

  public void prepareCommit() throws Exception {
    calls.add("prepareCommit");
    operator.prepareCommit();
    finishBundle();
  }

  @Override
  public void close() throws Exception {
    if (!closed) {
      closed = true;
      finishBundle();
      calls.add("close");
      operator.close();
    }
  }
}
