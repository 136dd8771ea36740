package org.beamsamza.runtime.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.StageSpec;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.ClosableTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.StreamTaskFactory;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.junit.Test;

/** Job-level lifecycle: kill interrupts and abandons, close failures, after-stop, waiting. */
public class JobHandleTest {
  private final InMemoryStreams streams = new InMemoryStreams();
  private final Map<String, SystemFactory> systems =
      Map.of("mem", new InMemorySystemFactory(streams));
  private final SystemStream input = new SystemStream("mem", "input");

  /** One stage reading {@code input}'s two partitions, one task per container. */
  private JobHandle start(StreamTaskFactory tasks, Runnable afterStop, Duration killGrace) {
    streams.createStream(new StreamSpec(input, 2, false, Map.of()));
    JobModel job = JobModelPlanner.plan(List.of(new StageSpec("S", Map.of(input, 2), Map.of())), 2);
    return LocalJobRunner.start(
        job, Config.empty(), systems, tasks, new InMemoryCheckpointManager(), afterStop, killGrace);
  }

  private static int partitionOf(TaskModel m) {
    return m.getInputs().iterator().next().getPartition();
  }

  @Test
  public void killInterruptsUserCodeBlockedInASleep() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    AtomicBoolean sawInterrupt = new AtomicBoolean();
    JobHandle job =
        start(
            m ->
                (envelope, collector, coordinator) -> {
                  blocked.countDown();
                  try {
                    Thread.sleep(Duration.ofHours(1).toMillis());
                  } catch (InterruptedException e) {
                    sawInterrupt.set(true);
                    throw new IllegalStateException("interrupted", e);
                  }
                },
            () -> {},
            Duration.ofHours(1)); // the interrupt alone must stop it
    streams.append(input.partition(0), null, "x");
    blocked.await();

    job.kill();

    assertEquals(JobStatus.KILLED, job.waitForFinish());
    assertTrue("the blocked task was interrupted", sawInterrupt.get());
    assertNull("a kill is not a failure", job.getFailure());
  }

  @Test
  public void killAbandonsUserCodeThatIgnoresInterruptsAfterTheGracePeriod() throws Exception {
    CountDownLatch spinning = new CountDownLatch(1);
    AtomicBoolean release = new AtomicBoolean();
    AtomicReference<Thread> spinner = new AtomicReference<>();
    CountDownLatch afterStopRan = new CountDownLatch(1);
    JobHandle job =
        start(
            m ->
                (envelope, collector, coordinator) -> {
                  spinner.set(Thread.currentThread());
                  spinning.countDown();
                  while (!release.get()) {
                    Thread.onSpinWait(); // ignores interrupts
                  }
                },
            afterStopRan::countDown,
            Duration.ofMillis(200));
    streams.append(input.partition(1), null, "x");
    spinning.await();

    job.kill();

    assertEquals(JobStatus.KILLED, job.waitForFinish());
    assertTrue("the spinning thread runs on", spinner.get().isAlive());
    assertTrue("abandoned container threads are daemons", spinner.get().isDaemon());
    assertEquals("stores stay until the thread ends", 1, afterStopRan.getCount());

    release.set(true);
    afterStopRan.await();
    spinner.get().join();
    assertEquals(JobStatus.KILLED, job.getStatus());
  }

  /** A task that counts its messages and stops after {@code expected} of them. */
  private static final class CountingTask implements StreamTask, ClosableTask {
    private final AtomicLong processed;
    private final long expected;
    private final java.util.function.BooleanSupplier mayStart;
    private final RuntimeException closeFailure;
    private final CountDownLatch closed;

    CountingTask(
        AtomicLong processed,
        long expected,
        java.util.function.BooleanSupplier mayStart,
        RuntimeException closeFailure,
        CountDownLatch closed) {
      this.processed = processed;
      this.expected = expected;
      this.mayStart = mayStart;
      this.closeFailure = closeFailure;
      this.closed = closed;
    }

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator)
        throws InterruptedException {
      while (!mayStart.getAsBoolean()) {
        Thread.sleep(1);
      }
      if (processed.incrementAndGet() == expected) {
        coordinator.shutdown(TaskCoordinator.RequestScope.CURRENT_TASK);
      }
    }

    @Override
    public void close() {
      closed.countDown();
      if (closeFailure != null) {
        throw closeFailure;
      }
    }
  }

  @Test
  public void aFailureWhileClosingDoesNotCutShortAnotherContainersWork() throws Exception {
    int perPartition = 10_000;
    streams.createStream(new StreamSpec(input, 2, false, Map.of()));
    for (int i = 0; i < perPartition; i++) {
      streams.append(input.partition(0), null, i);
      streams.append(input.partition(1), null, i);
    }
    AtomicLong fast = new AtomicLong();
    AtomicLong slow = new AtomicLong();
    CountDownLatch fastClosed = new CountDownLatch(1);
    RuntimeException teardownFailure = new RuntimeException("teardown failed");
    AtomicReference<JobHandle> handle = new AtomicReference<>();
    JobHandle job =
        start(
            m ->
                partitionOf(m) == 0
                    ? new CountingTask(fast, perPartition, () -> true, teardownFailure, fastClosed)
                    // Starts only once the job has recorded the other container's close failure.
                    : new CountingTask(
                        slow,
                        perPartition,
                        () -> handle.get() != null && handle.get().getFailure() != null,
                        null,
                        new CountDownLatch(1)),
            () -> {},
            Duration.ofSeconds(10));
    handle.set(job);

    assertEquals(JobStatus.FAILED, job.waitForFinish());
    assertEquals("the other container processed all its input", perPartition, slow.get());
    assertEquals(perPartition, fast.get());
    Throwable failure = job.getFailure();
    assertThat(failure, instanceOf(ContainerException.class));
    assertTrue(((ContainerException) failure).isAfterProcessing());
    assertThat(failure.getMessage(), containsString("teardown failed"));
  }

  @Test
  public void afterStopHasRunWhenWaitForFinishReturns() throws Exception {
    AtomicBoolean afterStopDone = new AtomicBoolean();
    streams.createStream(new StreamSpec(input, 2, false, Map.of()));
    streams.append(input.partition(0), null, "x");
    streams.seal(input);
    JobHandle job =
        start(
            m -> (envelope, collector, coordinator) -> {},
            () -> {
              try {
                Thread.sleep(50); // a slow delete must still finish before the status is final
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              afterStopDone.set(true);
            },
            Duration.ofSeconds(10));

    assertEquals(JobStatus.SUCCEEDED, job.waitForFinish());
    assertTrue(afterStopDone.get());
  }

  @Test
  public void waitingThreadThatIsInterruptedGetsAnInterruptedException() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    JobHandle job =
        start(
            m -> (envelope, collector, coordinator) -> release.await(),
            () -> {},
            Duration.ofSeconds(10));
    streams.append(input.partition(0), null, "x");

    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, job::waitForFinish);
    assertFalse("the flag was consumed by the exception", Thread.currentThread().isInterrupted());
    assertEquals(JobStatus.RUNNING, job.getStatus());

    release.countDown();
    job.kill();
    assertEquals(JobStatus.KILLED, job.waitForFinish());
  }
}
