package org.beamsamza.runtime.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.container.ContainerMetrics;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.StageSpec;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.EndOfStreamListenerTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskCoordinator.RequestScope;
import org.junit.Test;

public class LocalJobRunnerTest {
  /** Only turns a hang into a failure; no test asserts speed. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final InMemoryStreams streams = new InMemoryStreams();
  private final Map<String, SystemFactory> systems =
      Map.of("mem", new InMemorySystemFactory(streams));
  private final InMemoryCheckpointManager checkpoints = new InMemoryCheckpointManager();
  private final SystemStream words = new SystemStream("mem", "words");
  private final SystemStream byWord = new SystemStream("mem", "by-word");

  /** The in-band end-of-stream a stage-A task writes to every partition it feeds. */
  private record Done(String task) {}

  /** Stage A: routes each word to the partition of its hash; marks the end on every partition. */
  private final class Route implements StreamTask, EndOfStreamListenerTask {
    private final String name;

    Route(String name) {
      this.name = name;
    }

    @Override
    public void process(
        IncomingMessageEnvelope e, MessageCollector collector, TaskCoordinator coordinator) {
      String word = (String) e.getMessage();
      collector.send(
          new OutgoingMessageEnvelope(byWord, Math.floorMod(word.hashCode(), 4), word, word));
    }

    @Override
    public void onEndOfStream(MessageCollector collector, TaskCoordinator coordinator) {
      for (int p = 0; p < 4; p++) {
        collector.send(new OutgoingMessageEnvelope(byWord, p, null, new Done(name)));
      }
      coordinator.shutdown(RequestScope.CURRENT_TASK);
    }
  }

  /** Stage B: counts words; stops once every stage-A task said it is done. */
  private static final class Count implements StreamTask {
    private final Map<String, AtomicLong> counts;
    private final Set<String> upstreamDone = new java.util.HashSet<>();

    Count(Map<String, AtomicLong> counts) {
      this.counts = counts;
    }

    @Override
    public void process(
        IncomingMessageEnvelope e, MessageCollector collector, TaskCoordinator coordinator) {
      if (e.getMessage() instanceof Done d) {
        upstreamDone.add(d.task());
        if (upstreamDone.size() == 4) {
          coordinator.shutdown(RequestScope.CURRENT_TASK);
        }
      } else {
        counts.computeIfAbsent((String) e.getMessage(), w -> new AtomicLong()).incrementAndGet();
      }
    }
  }

  @Test
  public void twoStageJobAcrossTwoContainersCountsEveryWord() throws Exception {
    streams.createStream(new StreamSpec(words, 4, false, Map.of()));
    streams.createStream(StreamSpec.intermediate(byWord, 4));
    Map<String, Long> expected = new HashMap<>();
    Random random = new Random(42);
    for (int i = 0; i < 50_000; i++) {
      String word = "w" + random.nextInt(300);
      streams.append(words.partition(i % 4), null, word);
      expected.merge(word, 1L, Long::sum);
    }
    streams.seal(words);
    JobModel job =
        JobModelPlanner.plan(
            List.of(
                new StageSpec("A", Map.of(words, 4), Map.of()),
                new StageSpec("B", Map.of(byWord, 4), Map.of())),
            2);
    Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    JobHandle handle =
        LocalJobRunner.start(
            job,
            new Config(Map.of(Config.TASK_COMMIT_MS, "20")),
            systems,
            (TaskModel m) ->
                m.getStageId().equals("A")
                    ? new Route(m.getTaskName().getName())
                    : new Count(counts),
            checkpoints);

    assertEquals(JobStatus.SUCCEEDED, handle.waitForFinish(TIMEOUT));
    Map<String, Long> actual = new HashMap<>();
    counts.forEach((w, n) -> actual.put(w, n.get()));
    assertEquals(expected, actual);
    Map<String, ContainerMetrics> metrics = handle.getContainerMetrics();
    assertEquals(Set.of("0", "1"), metrics.keySet());
    long processed = 0;
    for (ContainerMetrics m : metrics.values()) {
      assertThat(m.getMessagesProcessed(), greaterThan(0L));
      processed += m.getMessagesProcessed();
    }
    assertEquals(2 * 50_000 + 16, processed); // every word twice, plus 4 markers on 4 partitions
    for (int p = 0; p < 4; p++) {
      // the intermediate stream was trimmed up to what stage B committed: all of it
      assertEquals(
          streams.getNextOffset(byWord.partition(p)), streams.getOldestOffset(byWord.partition(p)));
      assertEquals(
          0, streams.getOldestOffset(words.partition(p))); // the job's input is not its to trim
    }
    assertEquals(8, checkpoints.getCheckpoints().size());
  }

  @Test
  public void taskFailureFailsTheJobAndStopsOtherContainers() throws Exception {
    streams.createStream(
        new StreamSpec(words, 2, false, Map.of())); // never sealed: only the failure ends the job
    streams.append(words.partition(1), null, "bad");
    IllegalStateException boom = new IllegalStateException("boom");
    JobModel job = JobModelPlanner.plan(List.of(new StageSpec("S", Map.of(words, 2), Map.of())), 2);

    JobHandle handle =
        LocalJobRunner.start(
            job,
            Config.empty(),
            systems,
            m ->
                (e, collector, coordinator) -> {
                  if ("bad".equals(e.getMessage())) {
                    throw boom;
                  }
                },
            checkpoints);

    assertEquals(JobStatus.FAILED, handle.waitForFinish(TIMEOUT));
    assertSame(boom, handle.getFailure().getCause());
    assertThat(handle.getFailure().getMessage(), containsString("S-1"));
    assertEquals(JobStatus.FAILED, handle.getStatus());
  }

  @Test
  public void killStopsARunningJob() throws Exception {
    streams.createStream(new StreamSpec(words, 2, false, Map.of()));
    JobModel job = JobModelPlanner.plan(List.of(new StageSpec("S", Map.of(words, 2), Map.of())), 2);
    AtomicReference<String> threadName = new AtomicReference<>();
    CountDownLatch processed = new CountDownLatch(1);
    JobHandle handle =
        LocalJobRunner.start(
            job,
            Config.empty(),
            systems,
            m ->
                (e, collector, coordinator) -> {
                  threadName.set(Thread.currentThread().getName());
                  processed.countDown();
                },
            checkpoints);
    streams.append(words.partition(0), null, "x");

    // The input is never sealed, so once the message was processed the job can only be running.
    assertTrue("the message was not processed (hung?)", processed.await(60, TimeUnit.SECONDS));
    assertEquals(JobStatus.RUNNING, handle.getStatus());
    handle.kill();
    assertEquals(JobStatus.KILLED, handle.waitForFinish(TIMEOUT));
    assertTrue(handle.getFailure() == null);
    assertEquals("container-0", threadName.get());
  }
}
