package org.beamsamza.runtime.container;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.checkpoint.CheckpointManager;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.ClosableTask;
import org.beamsamza.runtime.task.EndOfStreamListenerTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.PreCommitTask;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskCoordinator.RequestScope;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.runtime.task.WindowableTask;
import org.junit.Test;

public class SamzaContainerTest {
  private final InMemoryStreams streams = new InMemoryStreams();
  private final Map<String, SystemFactory> systems =
      Map.of("mem", new InMemorySystemFactory(streams));
  private final InMemoryCheckpointManager checkpoints = new InMemoryCheckpointManager();
  private final SystemStream in = new SystemStream("mem", "in");
  private final SystemStream out = new SystemStream("mem", "out");

  private static ContainerModel container(TaskModel... tasks) {
    Map<TaskName, TaskModel> m = new LinkedHashMap<>();
    for (TaskModel t : tasks) {
      m.put(t.getTaskName(), t);
    }
    return new ContainerModel("0", m);
  }

  private static TaskModel task(String name, SystemStreamPartition... inputs) {
    return new TaskModel(new TaskName(name), "S", 0, Set.of(inputs));
  }

  private static Config config(long windowMs, long commitMs) {
    return new Config(
        Map.of(Config.TASK_WINDOW_MS, "" + windowMs, Config.TASK_COMMIT_MS, "" + commitMs));
  }

  private void write(SystemStream stream, int partitions, int perPartition) {
    streams.createStream(new StreamSpec(stream, partitions, false, Map.of()));
    for (int i = 0; i < perPartition; i++) {
      for (int p = 0; p < partitions; p++) {
        streams.append(stream.partition(p), null, "m" + i);
      }
    }
  }

  /** Runs the container on a thread; join() rethrows what run() threw. */
  private static final class Running {
    final Thread thread;
    final AtomicReference<Throwable> thrown = new AtomicReference<>();

    Running(SamzaContainer c) {
      thread =
          new Thread(
              () -> {
                try {
                  c.run();
                } catch (Throwable t) {
                  thrown.set(t);
                }
              },
              "test-container");
      thread.start();
    }

    /** Waits for run() to return; 60 s only guards against a hang, it is not a speed bound. */
    void join() throws Exception {
      thread.join(60_000);
      assertFalse("container did not stop", thread.isAlive());
      if (thrown.get() != null) {
        throw new AssertionError("run() failed", thrown.get());
      }
    }
  }

  /** Waits for a condition; the 60 s limit only turns a hang into a failure. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        fail("condition not reached in 60 s (hung?)");
      }
      Thread.sleep(5);
    }
  }

  /** Records what it processes; stops when all its inputs ended. */
  private static class RecordingTask implements StreamTask, EndOfStreamListenerTask {
    final List<IncomingMessageEnvelope> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger endOfStreamCalls = new AtomicInteger();
    volatile int seenAtEndOfStream = -1;

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
      assertFalse("end of stream must not reach process()", envelope.isEndOfStream());
      seen.add(envelope);
    }

    @Override
    public void onEndOfStream(MessageCollector collector, TaskCoordinator coordinator) {
      endOfStreamCalls.incrementAndGet();
      seenAtEndOfStream = seen.size();
      coordinator.shutdown(RequestScope.CURRENT_TASK);
    }

    List<String> offsets() {
      return seen.stream().map(IncomingMessageEnvelope::getOffset).toList();
    }
  }

  @Test
  public void roundRobinAcrossPartitionsWithMessages() throws Exception {
    write(in, 2, 5);
    streams.seal(in);
    RecordingTask task = new RecordingTask();
    new SamzaContainer(
            "0",
            container(task("T", in.partition(0), in.partition(1))),
            Config.empty(),
            systems,
            m -> task,
            checkpoints)
        .run();

    List<Integer> order =
        task.seen.stream().map(e -> e.getSystemStreamPartition().getPartition()).toList();
    assertEquals(10, order.size());
    for (int i = 1; i < order.size(); i++) {
      assertTrue("partitions not alternating: " + order, !order.get(i).equals(order.get(i - 1)));
    }
  }

  /**
   * The k-th window() call comes no earlier than k window periods after the container started (the
   * schedule never bursts to catch up), and calls keep coming. No upper bound on lateness: a loaded
   * machine may run them late, and speed is the benchmarks' business.
   */
  @Test
  public void windowIsCalledEveryWindowMs() throws Exception {
    streams.createStream(new StreamSpec(in, 1, false, Map.of()));
    List<Long> calls = new CopyOnWriteArrayList<>();
    class Windowed extends RecordingTask implements WindowableTask {
      @Override
      public void window(MessageCollector collector, TaskCoordinator coordinator) {
        calls.add(System.nanoTime());
      }
    }
    SamzaContainer c =
        new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(50, -1),
            systems,
            m -> new Windowed(),
            checkpoints);
    long started = System.nanoTime();
    Running r = new Running(c);
    await(() -> calls.size() >= 5);
    c.shutdown();
    r.join();
    for (int k = 1; k <= calls.size(); k++) {
      long millis = (calls.get(k - 1) - started) / 1_000_000;
      assertThat(
          "window call " + k + " after " + millis + " ms", millis, greaterThanOrEqualTo(k * 50L));
    }
    assertEquals(calls.size(), c.getMetrics().getWindowCalls());
  }

  /**
   * A task that always has input still gets window() calls: with a backlog of 2000 messages that
   * take at least 1 ms each (two seconds of work at the least, forty window periods), window() is
   * called while messages are still waiting, not only once the input ran dry.
   */
  @Test
  public void windowIsNotStarvedByABacklog() throws Exception {
    int backlog = 2_000;
    write(in, 1, backlog);
    AtomicInteger processed = new AtomicInteger();
    List<Integer> processedAtWindow = new CopyOnWriteArrayList<>();
    class Busy implements StreamTask, WindowableTask {
      @Override
      public void process(
          IncomingMessageEnvelope e, MessageCollector collector, TaskCoordinator coordinator) {
        long until = System.nanoTime() + 1_000_000;
        while (System.nanoTime() - until < 0) {
          Thread.onSpinWait(); // a busy task: 1 ms of work per message
        }
        processed.incrementAndGet();
      }

      @Override
      public void window(MessageCollector collector, TaskCoordinator coordinator) {
        processedAtWindow.add(processed.get());
      }
    }
    SamzaContainer c =
        new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(50, -1),
            systems,
            m -> new Busy(),
            checkpoints);
    Running r = new Running(c);
    await(() -> processed.get() == backlog);
    c.shutdown();
    r.join();
    long duringBacklog = processedAtWindow.stream().filter(n -> n < backlog).count();
    assertThat(
        "window calls while messages waited (processed count at each call: "
            + processedAtWindow
            + ")",
        duringBacklog,
        greaterThanOrEqualTo(2L));
  }

  /**
   * The k-th periodic commit comes no earlier than k commit periods after the container started
   * (the next commit is due a period after the previous one ended), and commits keep coming.
   */
  @Test
  public void commitsEveryCommitMs() throws Exception {
    streams.createStream(new StreamSpec(in, 1, false, Map.of()));
    List<Long> commits = new CopyOnWriteArrayList<>();
    class Committing extends RecordingTask implements PreCommitTask {
      @Override
      public void prepareCommit(MessageCollector collector, TaskCoordinator coordinator) {
        commits.add(System.nanoTime());
      }
    }
    SamzaContainer c =
        new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(-1, 50),
            systems,
            m -> new Committing(),
            checkpoints);
    long started = System.nanoTime();
    Running r = new Running(c);
    await(() -> commits.size() >= 4);
    c.shutdown();
    r.join();
    for (int k = 1; k <= commits.size(); k++) {
      long millis = (commits.get(k - 1) - started) / 1_000_000;
      assertThat("commit " + k + " after " + millis + " ms", millis, greaterThanOrEqualTo(k * 50L));
    }
    assertEquals(commits.size(), c.getMetrics().getCommits());
  }

  @Test
  public void commitPreparesThenFlushesThenCheckpointsLastProcessedOffsets() throws Exception {
    write(in, 1, 10);
    streams.createStream(new StreamSpec(out, 1, false, Map.of()));
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    SystemFactory recordingFactory = new RecordingFactory(systems.get("mem"), events);
    CheckpointManager recordingCheckpoints =
        new CheckpointManager() {
          @Override
          public Checkpoint readLastCheckpoint(TaskName task) {
            return checkpoints.readLastCheckpoint(task);
          }

          @Override
          public void writeCheckpoint(TaskName task, Checkpoint checkpoint) {
            events.add("checkpoint " + checkpoint.getOffsets().values());
            checkpoints.writeCheckpoint(task, checkpoint);
          }
        };
    class Committing implements StreamTask, PreCommitTask {
      @Override
      public void process(
          IncomingMessageEnvelope e, MessageCollector collector, TaskCoordinator coordinator) {
        collector.send(new OutgoingMessageEnvelope(out, 0, null, e.getMessage()));
        if (e.getOffset().equals("4")) {
          coordinator.commit(RequestScope.CURRENT_TASK);
        } else if (e.getOffset().equals("9")) {
          coordinator.shutdown(RequestScope.CURRENT_TASK);
        }
      }

      @Override
      public void prepareCommit(MessageCollector collector, TaskCoordinator coordinator) {
        events.add("prepare");
      }
    }
    SamzaContainer c =
        new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(-1, -1),
            Map.of("mem", recordingFactory),
            m -> new Committing(),
            recordingCheckpoints);
    c.run();

    assertEquals(
        List.of("prepare", "flush", "checkpoint [4]", "prepare", "flush", "checkpoint [9]"),
        events);
    assertEquals(
        Map.of(in.partition(0), "9"),
        recordingCheckpoints.readLastCheckpoint(new TaskName("T")).getOffsets());
    assertEquals(10, streams.getNextOffset(out.partition(0)));
    assertEquals(2, c.getMetrics().getCommits());
    assertEquals(10, c.getMetrics().getMessagesSent());
  }

  /** Wraps a factory so that producer flushes are recorded. */
  private static final class RecordingFactory implements SystemFactory {
    private final SystemFactory inner;
    private final List<String> events;

    RecordingFactory(SystemFactory inner, List<String> events) {
      this.inner = inner;
      this.events = events;
    }

    @Override
    public SystemConsumer getConsumer(String systemName, Config config) {
      return inner.getConsumer(systemName, config);
    }

    @Override
    public SystemProducer getProducer(String systemName, Config config) {
      SystemProducer p = inner.getProducer(systemName, config);
      return new SystemProducer() {
        @Override
        public void start() {
          p.start();
        }

        @Override
        public void send(OutgoingMessageEnvelope envelope) {
          p.send(envelope);
        }

        @Override
        public void flush() {
          events.add("flush");
          p.flush();
        }

        @Override
        public void stop() {
          p.stop();
        }
      };
    }

    @Override
    public SystemAdmin getAdmin(String systemName, Config config) {
      return inner.getAdmin(systemName, config);
    }
  }

  @Test
  public void restartResumesAfterTheCheckpointWithoutReprocessing() throws Exception {
    write(in, 1, 10);
    class StopAfterFour extends RecordingTask {
      @Override
      public void process(
          IncomingMessageEnvelope e, MessageCollector collector, TaskCoordinator coordinator) {
        super.process(e, collector, coordinator);
        if (e.getOffset().equals("4")) {
          coordinator.shutdown(RequestScope.CURRENT_TASK);
        }
      }
    }
    StopAfterFour first = new StopAfterFour();
    new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(-1, -1),
            systems,
            m -> first,
            checkpoints)
        .run();
    assertEquals(List.of("0", "1", "2", "3", "4"), first.offsets());

    streams.seal(in);
    RecordingTask second = new RecordingTask();
    new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(-1, -1),
            systems,
            m -> second,
            checkpoints)
        .run();
    assertEquals(List.of("5", "6", "7", "8", "9"), second.offsets());
    assertEquals(
        Map.of(in.partition(0), "9"),
        checkpoints.readLastCheckpoint(new TaskName("T")).getOffsets());
  }

  /** Container "0" running task T over partition 0 of the input, with the test's checkpoints. */
  private SamzaContainer containerOfT(RecordingTask task) {
    return new SamzaContainer(
        "0",
        container(task("T", in.partition(0))),
        config(-1, -1),
        systems,
        m -> task,
        checkpoints);
  }

  @Test
  public void aGracefulStopCommitsWhatWasProcessedSoNothingIsReplayed() throws Exception {
    write(in, 1, 10);
    RecordingTask first = new RecordingTask();
    SamzaContainer c = containerOfT(first);
    Running r = new Running(c);
    await(() -> first.seen.size() == 10);
    c.stopGracefully();
    r.join();
    assertEquals(
        Map.of(in.partition(0), "9"),
        checkpoints.readLastCheckpoint(new TaskName("T")).getOffsets());

    streams.seal(in);
    RecordingTask second = new RecordingTask();
    containerOfT(second).run();
    assertEquals(0, second.seen.size());
  }

  @Test
  public void externalShutdownDoesNotCommitSoWorkIsReplayed() throws Exception {
    write(in, 1, 10);
    RecordingTask first = new RecordingTask();
    SamzaContainer c = containerOfT(first);
    Running r = new Running(c);
    await(() -> first.seen.size() == 10);
    c.shutdown();
    r.join();
    assertNull(checkpoints.readLastCheckpoint(new TaskName("T")));

    streams.seal(in);
    RecordingTask second = new RecordingTask();
    containerOfT(second).run();
    assertEquals(10, second.seen.size());
    assertEquals("0", second.seen.get(0).getOffset());
  }

  @Test
  public void containerStopsCleanlyWhenAllTasksShutDown() throws Exception {
    write(in, 2, 10);
    Map<String, AtomicInteger> closed = new ConcurrentHashMap<>();
    class StopAfterThree implements StreamTask, ClosableTask {
      final String name;
      int n;

      StopAfterThree(String name) {
        this.name = name;
      }

      @Override
      public void process(
          IncomingMessageEnvelope e, MessageCollector collector, TaskCoordinator coordinator) {
        if (++n == 3) {
          coordinator.shutdown(RequestScope.CURRENT_TASK);
        }
        assertThat("no message after shutdown", n, lessThanOrEqualTo(3));
      }

      @Override
      public void close() {
        closed.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      }
    }
    SamzaContainer c =
        new SamzaContainer(
            "0",
            container(task("T0", in.partition(0)), task("T1", in.partition(1))),
            config(-1, -1),
            systems,
            m -> new StopAfterThree(m.getTaskName().getName()),
            checkpoints);
    c.run(); // returns: the input is not sealed, so only the tasks' shutdowns end it

    assertEquals(Set.of("T0", "T1"), closed.keySet());
    closed.values().forEach(n -> assertEquals(1, n.get()));
    assertEquals(
        Map.of(in.partition(0), "2"),
        checkpoints.readLastCheckpoint(new TaskName("T0")).getOffsets());
    assertEquals(
        Map.of(in.partition(1), "2"),
        checkpoints.readLastCheckpoint(new TaskName("T1")).getOffsets());
    assertEquals(6, c.getMetrics().getMessagesProcessed());
  }

  @Test
  public void shutdownOfAllTasksInContainer() throws Exception {
    write(in, 2, 10);
    AtomicInteger processed = new AtomicInteger();
    StreamTask stopsAll =
        (e, collector, coordinator) -> {
          processed.incrementAndGet();
          coordinator.shutdown(RequestScope.ALL_TASKS_IN_CONTAINER);
        };
    new SamzaContainer(
            "0",
            container(task("T0", in.partition(0)), task("T1", in.partition(1))),
            config(-1, -1),
            systems,
            m -> stopsAll,
            checkpoints)
        .run();
    assertEquals(1, processed.get());
  }

  @Test
  public void endOfStreamListenerIsCalledOnceWhenAllItsInputsEnded() throws Exception {
    SystemStream other = new SystemStream("mem", "other");
    write(in, 1, 3);
    write(other, 1, 3);
    streams.seal(in);
    RecordingTask task = new RecordingTask();
    Running r =
        new Running(
            new SamzaContainer(
                "0",
                container(task("T", in.partition(0), other.partition(0))),
                config(-1, -1),
                systems,
                m -> task,
                checkpoints));
    await(() -> task.seen.size() == 6);
    Thread.sleep(50);
    assertEquals("one input has not ended yet", 0, task.endOfStreamCalls.get());

    streams.seal(other);
    r.join();
    assertEquals(1, task.endOfStreamCalls.get());
    assertEquals(6, task.seenAtEndOfStream);
  }

  @Test
  public void tasksWithoutListenerFinishAtEndOfStream() throws Exception {
    write(in, 1, 3);
    streams.seal(in);
    AtomicInteger processed = new AtomicInteger();
    new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(-1, -1),
            systems,
            m -> (e, collector, coordinator) -> processed.incrementAndGet(),
            checkpoints)
        .run();
    assertEquals(3, processed.get());
  }

  @Test
  public void sharedPartitionIsDeliveredToEveryTaskFromItsOwnCheckpoint() throws Exception {
    SystemStream side = new SystemStream("mem", "side");
    write(in, 2, 0);
    write(side, 1, 4);
    streams.seal(in);
    streams.seal(side);
    checkpoints.writeCheckpoint(new TaskName("T0"), new Checkpoint(Map.of(side.partition(0), "1")));
    Map<String, RecordingTask> tasks = new ConcurrentHashMap<>();
    new SamzaContainer(
            "0",
            container(
                task("T0", in.partition(0), side.partition(0)),
                task("T1", in.partition(1), side.partition(0))),
            config(-1, -1),
            systems,
            m -> tasks.computeIfAbsent(m.getTaskName().getName(), k -> new RecordingTask()),
            checkpoints)
        .run();

    assertEquals(List.of("2", "3"), tasks.get("T0").offsets());
    assertEquals(List.of("0", "1", "2", "3"), tasks.get("T1").offsets());
    assertEquals(
        Map.of(side.partition(0), "3"),
        checkpoints.readLastCheckpoint(new TaskName("T0")).getOffsets());
    assertEquals(
        Map.of(side.partition(0), "3"),
        checkpoints.readLastCheckpoint(new TaskName("T1")).getOffsets());
  }

  @Test
  public void taskFailureIsRethrownWithTheOriginalAsCauseAfterClosingTasks() {
    write(in, 1, 3);
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger closed = new AtomicInteger();
    class Failing implements StreamTask, ClosableTask {
      @Override
      public void process(
          IncomingMessageEnvelope e, MessageCollector collector, TaskCoordinator coordinator) {
        if (e.getOffset().equals("1")) {
          throw boom;
        }
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    }
    SamzaContainer c =
        new SamzaContainer(
            "7",
            container(task("T", in.partition(0))),
            config(-1, -1),
            systems,
            m -> new Failing(),
            checkpoints);
    ContainerException e = assertThrows(ContainerException.class, c::run);
    assertSame(boom, e.getCause());
    assertThat(e.getMessage(), containsString("Task T"));
    assertEquals(new TaskName("T"), e.getTaskName());
    assertEquals(1, closed.get());
    assertNull(
        "a failed container must not commit", checkpoints.readLastCheckpoint(new TaskName("T")));
  }

  @Test
  public void missingSystemFailsWithItsName() {
    SamzaContainer c =
        new SamzaContainer(
            "0",
            container(task("T", new SystemStream("kafka", "x").partition(0))),
            Config.empty(),
            systems,
            m -> new RecordingTask(),
            checkpoints);
    ContainerException e = assertThrows(ContainerException.class, c::run);
    assertThat(e.getMessage(), containsString("kafka"));
  }

  /**
   * A consumer that is a CheckpointListener hears of the offsets a commit made durable, after the
   * checkpoint holding them was written, once per offset, and never of work a stopped container did
   * not commit.
   */
  @Test
  public void checkpointListenerHearsOnlyCommittedOffsetsAfterTheCheckpoint() throws Exception {
    write(in, 1, 5);
    List<Map<SystemStreamPartition, String>> heard = new CopyOnWriteArrayList<>();
    List<String> checkpointedWhenHeard = new CopyOnWriteArrayList<>();
    TaskName name = new TaskName("T");
    InMemorySystemFactory inner = new InMemorySystemFactory(streams);
    SystemFactory listening =
        new SystemFactory() {
          @Override
          public SystemConsumer getConsumer(String systemName, Config config) {
            SystemConsumer c = inner.getConsumer(systemName, config);
            class Listening
                implements SystemConsumer, org.beamsamza.runtime.system.CheckpointListener {
              @Override
              public void register(SystemStreamPartition ssp, String startingOffset) {
                c.register(ssp, startingOffset);
              }

              @Override
              public void start() {
                c.start();
              }

              @Override
              public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
                  Set<SystemStreamPartition> ssps, long timeoutMs) throws InterruptedException {
                return c.poll(ssps, timeoutMs);
              }

              @Override
              public void stop() {
                c.stop();
              }

              @Override
              public void onCheckpoint(Map<SystemStreamPartition, String> committed) {
                heard.add(committed);
                Checkpoint cp = checkpoints.readLastCheckpoint(name);
                checkpointedWhenHeard.add(cp == null ? null : cp.getOffsets().get(in.partition(0)));
              }
            }
            return new Listening();
          }

          @Override
          public SystemProducer getProducer(String systemName, Config config) {
            return inner.getProducer(systemName, config);
          }

          @Override
          public SystemAdmin getAdmin(String systemName, Config config) {
            return inner.getAdmin(systemName, config);
          }
        };
    RecordingTask task = new RecordingTask();
    // No periodic commit: stopped before the input ends, the container commits nothing.
    SamzaContainer stopped =
        new SamzaContainer(
            "0",
            container(task("T", in.partition(0))),
            config(-1, -1),
            Map.of("mem", listening),
            m -> task,
            checkpoints);
    Running r = new Running(stopped);
    await(() -> task.seen.size() == 5);
    stopped.shutdown();
    r.join();
    assertTrue("nothing committed, nothing heard: " + heard, heard.isEmpty());

    streams.seal(in);
    RecordingTask second = new RecordingTask();
    new SamzaContainer(
            "1",
            container(task("T", in.partition(0))),
            config(-1, -1),
            Map.of("mem", listening),
            m -> second,
            checkpoints)
        .run(); // reads all 5 again, ends, and commits once at the end
    String lastOffset = second.offsets().get(4);
    assertEquals(List.of(Map.of(in.partition(0), lastOffset)), heard);
    assertEquals(
        "heard after the checkpoint was written", List.of(lastOffset), checkpointedWhenHeard);
  }
}
