package org.beamsamza.runtime.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.container.ContainerException;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.StageSpec;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.StreamTaskFactory;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.junit.Test;

/**
 * Containers restarted in place: a new instance of the failed container resumes its tasks from
 * their checkpoints while the other containers run on; restarts are bounded; a kill wins over a
 * pending restart; a container that fails while starting is not restarted.
 */
public class ContainerRestartTest {
  private static final int PER_PARTITION = 1_000;

  private final InMemoryStreams streams = new InMemoryStreams();
  private final Map<String, SystemFactory> systems =
      Map.of("mem", new InMemorySystemFactory(streams));
  private final SystemStream input = new SystemStream("mem", "input");
  private final JobModel jobModel;

  public ContainerRestartTest() {
    streams.createStream(new StreamSpec(input, 2, false, Map.of()));
    for (int i = 0; i < PER_PARTITION; i++) {
      streams.append(input.partition(0), null, i);
      streams.append(input.partition(1), null, i);
    }
    streams.seal(input);
    jobModel = JobModelPlanner.plan(List.of(new StageSpec("S", Map.of(input, 2), Map.of())), 2);
  }

  private JobHandle start(StreamTaskFactory tasks, ContainerRestartPolicy policy) {
    return LocalJobRunner.start(
        jobModel,
        new Config(Map.of(Config.TASK_COMMIT_MS, "60000")), // commits only when a task asks
        systems,
        tasks,
        new InMemoryCheckpointManager(),
        () -> {},
        Duration.ofSeconds(10),
        policy);
  }

  private static ContainerRestartPolicy policy(int count, Duration backoff) {
    return new ContainerRestartPolicy(
        count, Duration.ofMinutes(5), backoff, "test limits", System::nanoTime);
  }

  private static int partitionOf(TaskModel m) {
    return m.getInputs().iterator().next().getPartition();
  }

  /** The id of the container that runs the task reading {@code partition}. */
  private String containerOf(int partition) {
    for (ContainerModel c : jobModel.getContainers().values()) {
      for (TaskModel t : c.getTasks().values()) {
        if (partitionOf(t) == partition) {
          return c.getContainerId();
        }
      }
    }
    throw new AssertionError("no task reads partition " + partition);
  }

  @Test
  public void aContainerThatFailsOnceIsRestartedFromItsCheckpointWhileTheOtherRunsOn()
      throws Exception {
    int failAt = 500;
    Map<Integer, AtomicInteger> seen0 = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> seen1 = new ConcurrentHashMap<>();
    AtomicInteger instances0 = new AtomicInteger();
    AtomicInteger instances1 = new AtomicInteger();
    Map<Integer, Integer> firstOffsetByInstance = new ConcurrentHashMap<>();
    CountDownLatch restartedInstanceProcessed = new CountDownLatch(1);
    String failing = containerOf(0);
    JobHandle[] job = new JobHandle[1];
    StreamTaskFactory tasks =
        m -> {
          if (partitionOf(m) == 1) {
            instances1.incrementAndGet();
            return (envelope, collector, coordinator) -> {
              // Holds until the other container failed, was restarted and processes again: this
              // container must run on meanwhile, untouched.
              if (!restartedInstanceProcessed.await(2, TimeUnit.MINUTES)) {
                throw new AssertionError("the failed container was not restarted");
              }
              count(seen1, envelope.getMessage());
              if ((int) envelope.getMessage() == PER_PARTITION - 1) {
                coordinator.shutdown(TaskCoordinator.RequestScope.CURRENT_TASK);
              }
            };
          }
          int instance = instances0.incrementAndGet();
          return (envelope, collector, coordinator) -> {
            int i = (int) envelope.getMessage();
            firstOffsetByInstance.putIfAbsent(instance, Integer.parseInt(envelope.getOffset()));
            if (instance > 1) {
              restartedInstanceProcessed.countDown();
            }
            if (i == failAt && instance == 1) {
              throw new IllegalStateException("user code failed at " + i);
            }
            count(seen0, i);
            if (i == failAt - 1) {
              coordinator.commit(TaskCoordinator.RequestScope.CURRENT_TASK);
            }
            if (i == PER_PARTITION - 1) {
              coordinator.shutdown(TaskCoordinator.RequestScope.CURRENT_TASK);
            }
          };
        };
    job[0] = start(tasks, policy(3, Duration.ofMillis(10)));

    assertEquals(JobStatus.SUCCEEDED, job[0].waitForFinish());
    assertNull(job[0].getFailure());
    assertEquals(Map.of(failing, 1), job[0].getContainerRestarts());
    List<JobHandle.ContainerFailure> recent = job[0].getRecentFailures();
    assertEquals("the cured failure is still listed (the status page shows it)", 1, recent.size());
    assertEquals(failing, recent.get(0).containerId());
    assertEquals(
        "user code failed at " + failAt,
        org.beamsamza.runtime.container.ContainerException.class
            .cast(recent.get(0).failure())
            .getCause()
            .getMessage());
    assertEquals("the failed container ran twice", 2, instances0.get());
    assertEquals("the other container was never restarted", 1, instances1.get());
    assertEquals(
        "the restart resumed after the checkpoint the task asked for at " + (failAt - 1),
        Map.of(1, 0, 2, failAt),
        firstOffsetByInstance);
    for (int i = 0; i < PER_PARTITION; i++) {
      assertEquals("partition 0, message " + i, 1, seen0.get(i).get());
      assertEquals("partition 1, message " + i, 1, seen1.get(i).get());
    }
  }

  @Test
  public void aContainerThatAlwaysFailsFailsTheJobAfterTheAllowedRestarts() throws Exception {
    AtomicInteger instances0 = new AtomicInteger();
    RuntimeException userFailure = new IllegalStateException("always fails");
    StreamTaskFactory tasks =
        m -> {
          if (partitionOf(m) == 1) {
            return (envelope, collector, coordinator) -> {};
          }
          instances0.incrementAndGet();
          return (envelope, collector, coordinator) -> {
            throw userFailure;
          };
        };
    JobHandle job = start(tasks, policy(2, Duration.ofMillis(10)));

    assertEquals(JobStatus.FAILED, job.waitForFinish());
    String failing = containerOf(0);
    assertEquals("first run and 2 restarts", 3, instances0.get());
    assertEquals(Map.of(failing, 2), job.getContainerRestarts());
    Throwable failure = job.getFailure();
    assertThat(failure, instanceOf(ContainerRestartsExhaustedException.class));
    assertEquals(2, ((ContainerRestartsExhaustedException) failure).getRestarts());
    assertEquals(failing, ((ContainerException) failure).getContainerId());
    assertThat(
        failure.getMessage(),
        containsString("Container " + failing + " failed again after 2 restarts (test limits)"));
    assertThat(failure.getMessage(), containsString("always fails"));
    assertThat("names the task", failure.getMessage(), containsString("Task "));
    assertThat(failure.getCause().getCause(), sameInstance(userFailure));
  }

  @Test
  public void aKillDuringTheBackoffBeforeARestartEndsTheJobKilled() throws Exception {
    AtomicInteger instances0 = new AtomicInteger();
    StreamTaskFactory tasks =
        m -> {
          if (partitionOf(m) == 1) {
            return (envelope, collector, coordinator) -> Thread.sleep(1);
          }
          instances0.incrementAndGet();
          return (envelope, collector, coordinator) -> {
            throw new IllegalStateException("fails");
          };
        };
    JobHandle job = start(tasks, policy(3, Duration.ofHours(1)));
    String failing = containerOf(0);
    awaitCondition("a restart is pending", () -> job.getContainerRestarts().containsKey(failing));

    job.kill();

    assertEquals(JobStatus.KILLED, job.waitForFinish());
    assertNull("a kill is not a failure", job.getFailure());
    assertEquals("the pending restart never happened", 1, instances0.get());
  }

  @Test
  public void aContainerThatFailsWhileStartingIsNotRestarted() throws Exception {
    AtomicInteger instances0 = new AtomicInteger();
    StreamTaskFactory tasks =
        m -> {
          if (partitionOf(m) == 1) {
            return (envelope, collector, coordinator) -> {};
          }
          instances0.incrementAndGet();
          throw new IllegalArgumentException("bad configuration");
        };
    JobHandle job = start(tasks, policy(3, Duration.ofMillis(10)));

    assertEquals(JobStatus.FAILED, job.waitForFinish());
    assertEquals(1, instances0.get());
    assertEquals(Map.of(), job.getContainerRestarts());
    assertThat(job.getFailure().getMessage(), containsString("bad configuration"));
  }

  private static void count(Map<Integer, AtomicInteger> seen, Object message) {
    seen.computeIfAbsent((Integer) message, k -> new AtomicInteger()).incrementAndGet();
  }

  private static void awaitCondition(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      assertTrue("hung waiting until " + what, System.nanoTime() - deadline < 0);
      Thread.sleep(5);
    }
  }
}
