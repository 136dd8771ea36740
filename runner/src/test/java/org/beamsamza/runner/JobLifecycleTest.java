package org.beamsamza.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * not cut short other tasks' work, an interrupted wait throws; a failed container is restarted in
 * place only where a restart can restore it, within --containerRetryCount.
 */
public class JobLifecycleTest {
  // DoFns are serialized into the plan: they reach the test through statics.
  private static volatile CountDownLatch reached;
  private static volatile CountDownLatch release;
  private static final AtomicBoolean interrupted = new AtomicBoolean();
  private static final AtomicBoolean spinning = new AtomicBoolean();
  private static final AtomicBoolean stopSpinning = new AtomicBoolean();
  private static final AtomicLong delivered = new AtomicLong();
  private static final AtomicBoolean failedOnce = new AtomicBoolean();
  private static final Set<Long> seen = ConcurrentHashMap.newKeySet();

  @Before
  public void reset() {
    reached = new CountDownLatch(1);
    release = new CountDownLatch(1);
    interrupted.set(false);
    spinning.set(false);
    stopSpinning.set(false);
    delivered.set(0);
    failedOnce.set(false);
    seen.clear();
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

  static final class FailOnceAt700 extends DoFn<Long, Long> {
    @ProcessElement
    public void process(ProcessContext c) {
      if (c.element() == 700 && failedOnce.compareAndSet(false, true)) {
        throw new IllegalStateException("FailOnceAt700 failed at 700");
      }
      c.output(c.element());
    }
  }

  static final class AlwaysFail extends DoFn<Long, Long> {
    @ProcessElement
    public void process(ProcessContext c) {
      throw new IllegalStateException("AlwaysFail failed at " + c.element());
    }
  }

  static final class RecordSeen extends DoFn<Long, Void> {
    @ProcessElement
    public void process(ProcessContext c) {
      seen.add(c.element());
      delivered.incrementAndGet();
    }
  }

  @Test
  public void theEmbeddedDefaultRestartsNothing() {
    Pipeline p = Pipeline.create(options(10_000));
    p.apply(GenerateSequence.from(0).to(1_000))
        .apply(ParDo.of(new FailOnceAt700()))
        .apply(ParDo.of(new RecordSeen()));
    SamzaPipelineResult result = (SamzaPipelineResult) p.run();

    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, result::waitUntilFinish);

    assertThat(e.getCause().getMessage(), is("FailOnceAt700 failed at 700"));
    assertEquals(Map.of(), result.getContainerRestarts());
  }

  @Test
  public void withTheChangelogAContainerThatFailsOnceIsRestartedAndEveryElementArrives() {
    SamzaPipelineOptions options = options(10_000);
    options.setStateChangelog(true);
    options.setContainerRetryBackoffMs(10);
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(1_000))
        .apply(ParDo.of(new FailOnceAt700()))
        .apply(ParDo.of(new RecordSeen()));
    SamzaPipelineResult result = (SamzaPipelineResult) p.run();

    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertTrue("the failure happened", failedOnce.get());
    assertEquals(
        "one container restarted once: " + result.getContainerRestarts(),
        1,
        result.getContainerRestarts().values().stream().mapToInt(Integer::intValue).sum());
    assertEquals("every element arrived", 1_000, seen.size());
    System.out.printf("in-memory restart: %d deliveries of 1000 elements%n", delivered.get());
  }

  @Test
  public void aContainerThatKeepsFailingFailsTheJobWithTheUsersExceptionAndTheRestartsTried() {
    SamzaPipelineOptions options = options(10_000);
    options.setStateChangelog(true);
    options.setContainers(1); // one container keeps failing, none gives up first
    options.setContainerRetryCount(2);
    options.setContainerRetryBackoffMs(10);
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(1_000)).apply(ParDo.of(new AlwaysFail()));
    SamzaPipelineResult result = (SamzaPipelineResult) p.run();

    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, result::waitUntilFinish);

    assertThat(e.getCause(), org.hamcrest.Matchers.instanceOf(IllegalStateException.class));
    assertThat(e.getCause().getMessage(), containsString("AlwaysFail failed at"));
    assertEquals("which container gave up rides along", 1, e.getSuppressed().length);
    String gaveUp = e.getSuppressed()[0].getMessage();
    assertThat(gaveUp, containsString("failed again after 2 restarts"));
    assertThat(gaveUp, containsString("--containerRetryCount=2 within --containerRetryWindowMs="));
    assertThat(gaveUp, containsString("AlwaysFail failed at"));
    assertThat(gaveUp, containsString("Container 0 failed again"));
    assertThat("names the task", gaveUp, containsString("Task stage0-"));
    assertEquals(Map.of("0", 2), result.getContainerRestarts());
  }

  private static String runFails(SamzaPipelineOptions options) {
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).to(10));
    return assertThrows(IllegalArgumentException.class, p::run).getMessage();
  }

  @Test
  public void badRestartOptionsFailAtRunNamingTheOption() {
    SamzaPipelineOptions count = options(10_000);
    count.setContainerRetryCount(-1);
    assertThat(runFails(count), containsString("--containerRetryCount must be 0"));
    SamzaPipelineOptions window = options(10_000);
    window.setContainerRetryWindowMs(0);
    assertThat(runFails(window), containsString("--containerRetryWindowMs must be at least 1"));
    SamzaPipelineOptions backoff = options(10_000);
    backoff.setContainerRetryBackoffMs(-5);
    assertThat(runFails(backoff), containsString("--containerRetryBackoffMs must be 0 or more"));
  }
}
