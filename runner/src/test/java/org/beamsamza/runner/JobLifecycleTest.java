package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.Before;
import org.junit.Test;

/**
 * How a job ends: cancel interrupts (and if need be abandons) user code, a teardown failure does
 * not cut short other tasks' work, an interrupted wait throws.
 */
public class JobLifecycleTest {
  // DoFns are serialized into the plan: they reach the test through statics.
  private static volatile CountDownLatch reached;
  private static volatile CountDownLatch release;
  private static final AtomicBoolean interrupted = new AtomicBoolean();
  private static final AtomicBoolean spinning = new AtomicBoolean();
  private static final AtomicBoolean stopSpinning = new AtomicBoolean();
  private static final AtomicLong delivered = new AtomicLong();

  @Before
  public void reset() {
    reached = new CountDownLatch(1);
    release = new CountDownLatch(1);
    interrupted.set(false);
    spinning.set(false);
    stopSpinning.set(false);
    delivered.set(0);
  }

  private static SamzaPipelineOptions options(long cancelGraceMs) {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setRunner(SamzaRunner.class);
    options.setParallelism(2);
    options.setContainers(2);
    options.setCancelGraceMs(cancelGraceMs);
    return options;
  }

  static final class SleepForever extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(ProcessContext c) throws InterruptedException {
      reached.countDown();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw e;
      }
    }
  }

  @Test
  public void cancelInterruptsUserCodeBlockedInASleep() throws Exception {
    // A grace period far longer than any test: only the interrupt can end this job.
    Pipeline p = Pipeline.create(options(3_600_000));
    p.apply(Create.of(1)).apply(ParDo.of(new SleepForever()));
    PipelineResult result = p.run();
    reached.await();

    assertThat(result.cancel(), is(PipelineResult.State.CANCELLED));
    assertTrue("the DoFn's sleep was interrupted", interrupted.get());
    assertThat(result.waitUntilFinish(), is(PipelineResult.State.CANCELLED));
  }

  static final class SpinIgnoringInterrupts extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(ProcessContext c) {
      spinning.set(true);
      reached.countDown();
      while (!stopSpinning.get()) {
        Thread.onSpinWait();
      }
      spinning.set(false);
    }
  }

  @Test
  public void cancelAbandonsUserCodeThatIgnoresInterruptsAfterTheGracePeriod() throws Exception {
    Pipeline p = Pipeline.create(options(200));
    p.apply(Create.of(1)).apply(ParDo.of(new SpinIgnoringInterrupts()));
    PipelineResult result = p.run();
    reached.await();

    assertThat(result.cancel(), is(PipelineResult.State.CANCELLED));
    assertTrue("cancel returned while the DoFn still spins", spinning.get());
    stopSpinning.set(true);
  }

  static final class FailingTeardown extends DoFn<Long, Long> {
    @ProcessElement
    public void process(ProcessContext c) {
      c.output(c.element());
    }

    @Teardown
    public void teardown() {
      throw new IllegalStateException("teardown of FailingTeardown failed");
    }
  }

  static final class CountDelivered extends DoFn<Long, Void> {
    @ProcessElement
    public void process(ProcessContext c) {
      delivered.incrementAndGet();
    }
  }

  @Test
  public void aTeardownFailureFailsTheJobOnlyAfterEveryTaskHasDoneItsWork() {
    int elements = 100_000;
    Pipeline p = Pipeline.create(options(10_000));
    p.apply(GenerateSequence.from(0).to(elements))
        .apply(ParDo.of(new FailingTeardown()))
        .apply(ParDo.of(new CountDelivered()));

    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());

    assertEquals("every element reached the sink", elements, delivered.get());
    assertThat(e.getCause().getMessage(), containsString("teardown of FailingTeardown failed"));
  }

  static final class AwaitRelease extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(ProcessContext c) throws InterruptedException {
      reached.countDown();
      release.await();
      c.output(c.element());
    }
  }

  @Test
  public void anInterruptedWaitThrowsAndKeepsTheInterruptFlag() throws Exception {
    Pipeline p = Pipeline.create(options(10_000));
    p.apply(Create.of(1)).apply(ParDo.of(new AwaitRelease()));
    PipelineResult result = p.run();
    reached.await();

    Thread.currentThread().interrupt();
    IllegalStateException e = assertThrows(IllegalStateException.class, result::waitUntilFinish);
    assertTrue("interrupt flag kept", Thread.interrupted());
    assertThat(e.getMessage(), containsString("Interrupted"));
    assertThat(result.getState(), is(PipelineResult.State.RUNNING));

    Thread.currentThread().interrupt();
    assertThrows(
        IllegalStateException.class,
        () -> result.waitUntilFinish(org.joda.time.Duration.standardHours(1)));
    assertTrue("interrupt flag kept", Thread.interrupted());

    release.countDown();
    assertThat(result.waitUntilFinish(), is(PipelineResult.State.DONE));
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
