package org.beamsamza.runtime.container;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.config.StreamConfig;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.EndOfStreamListenerTask;
import org.beamsamza.runtime.task.InitableTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskContext;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Test;

/**
 * Samza's per-stream input settings ({@link StreamConfig}) as a container applies them: reset
 * offset, offset default, bootstrap streams and priorities.
 */
public class StreamSettingsTest {
  private final InMemoryStreams streams = new InMemoryStreams();
  private final Map<String, SystemFactory> systems =
      Map.of("mem", new InMemorySystemFactory(streams));
  private final InMemoryCheckpointManager checkpoints = new InMemoryCheckpointManager();
  private final SystemStream main = new SystemStream("mem", "main");
  private final SystemStream side = new SystemStream("mem", "side");

  /** Records what it processes (as "stream:offset"); stops when all its inputs ended. */
  private static class RecordingTask implements StreamTask, EndOfStreamListenerTask {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
      seen.add(envelope.getSystemStreamPartition().getStream() + ":" + envelope.getOffset());
    }

    @Override
    public void onEndOfStream(MessageCollector collector, TaskCoordinator coordinator) {
      coordinator.shutdown(TaskCoordinator.RequestScope.CURRENT_TASK);
    }

    long count(String stream) {
      return seen.stream().filter(s -> s.startsWith(stream + ":")).count();
    }
  }

  private void write(SystemStream stream, int count) {
    streams.createStream(new StreamSpec(stream, 1, false, Map.of()));
    for (int i = 0; i < count; i++) {
      streams.append(stream.partition(0), null, stream.getStream() + i);
    }
  }

  private void run(StreamTask task, Map<String, String> config, SystemStreamPartition... inputs) {
    Map<TaskName, TaskModel> tasks = new LinkedHashMap<>();
    TaskModel model = new TaskModel(new TaskName("T"), "S", 0, Set.of(inputs));
    tasks.put(model.getTaskName(), model);
    new SamzaContainer(
            "0",
            new ContainerModel("0", tasks),
            new Config(config),
            systems,
            m -> task,
            checkpoints)
        .run();
  }

  private static Map<String, String> settings(SystemStream stream, String... keyValues) {
    Map<String, String> config = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      config.put(StreamConfig.key(stream, keyValues[i]), keyValues[i + 1]);
    }
    return config;
  }

  @Test
  public void resetOffsetRereadsTheStreamFromTheOldestDespiteTheCheckpoint() {
    write(side, 5);
    write(main, 3);
    streams.seal(side);
    streams.seal(main);
    Map<String, String> reset = settings(side, StreamConfig.RESET_OFFSET, "true");
    RecordingTask first = new RecordingTask();
    run(first, reset, side.partition(0), main.partition(0));
    assertEquals(5, first.count("side"));
    assertEquals(3, first.count("main"));

    RecordingTask restarted = new RecordingTask();
    run(restarted, reset, side.partition(0), main.partition(0));
    assertEquals("the reset stream is read whole again", 5, restarted.count("side"));
    assertEquals("the other resumes after its checkpoint", 0, restarted.count("main"));

    RecordingTask withoutReset = new RecordingTask();
    run(withoutReset, Map.of(), side.partition(0), main.partition(0));
    assertEquals(0, withoutReset.count("side"));
  }

  @Test
  public void upcomingStartsAfterWhatThePartitionHeldAtStart() {
    write(main, 3);
    // init() runs after the container decided where its inputs start.
    class AppendingTask extends RecordingTask implements InitableTask {
      @Override
      public void init(TaskContext context) {
        streams.append(main.partition(0), null, "new0");
        streams.append(main.partition(0), null, "new1");
        streams.seal(main);
      }
    }
    RecordingTask task = new AppendingTask();
    run(task, settings(main, StreamConfig.OFFSET_DEFAULT, "upcoming"), main.partition(0));
    assertEquals(List.of("main:3", "main:4"), task.seen);

    RecordingTask oldest = new RecordingTask();
    checkpoints.writeCheckpoint(
        new TaskName("T"), new org.beamsamza.runtime.checkpoint.Checkpoint(Map.of()));
    run(oldest, settings(main, StreamConfig.RESET_OFFSET, "true"), main.partition(0));
    assertEquals("oldest is the default", 5, oldest.count("main"));
  }

  @Test
  public void aBootstrapStreamIsReadToItsStartTimeEndBeforeAnyOtherInput() {
    write(side, 300);
    write(main, 300);
    class AppendingTask extends RecordingTask implements InitableTask {
      @Override
      public void init(TaskContext context) {
        // Written after the start: not part of what must be read first.
        streams.append(side.partition(0), null, "late");
        streams.seal(side);
        streams.seal(main);
      }
    }
    RecordingTask task = new AppendingTask();
    run(task, settings(side, StreamConfig.BOOTSTRAP, "true"), main.partition(0), side.partition(0));
    assertEquals(301, task.count("side"));
    assertEquals(300, task.count("main"));
    int firstMain = task.seen.indexOf("main:0");
    assertThat(
        "every side message present at start came before the first main message: " + task.seen,
        task.seen.subList(0, firstMain).stream().filter(s -> s.startsWith("side:")).count(),
        org.hamcrest.Matchers.greaterThanOrEqualTo(300L));

    RecordingTask roundRobin = new RecordingTask();
    write(new SystemStream("mem", "a"), 300);
    write(new SystemStream("mem", "b"), 300);
    streams.seal(new SystemStream("mem", "a"));
    streams.seal(new SystemStream("mem", "b"));
    run(
        roundRobin,
        Map.of(),
        new SystemStreamPartition("mem", "a", 0),
        new SystemStreamPartition("mem", "b", 0));
    assertThat(
        "without bootstrap the two interleave", roundRobin.seen.indexOf("b:0"), lessThan(10));
  }

  @Test
  public void aHigherPriorityStreamIsServedFirstWhileItHasMessages() {
    write(side, 200);
    write(main, 200);
    streams.seal(side);
    streams.seal(main);
    RecordingTask task = new RecordingTask();
    run(task, settings(side, StreamConfig.PRIORITY, "1"), main.partition(0), side.partition(0));
    assertEquals(400, task.seen.size());
    // Each partition's buffered batch is offered one message at a time; the higher priority wins
    // every choice while it has one, so the side batch comes out unbroken by main messages.
    int firstMain = task.seen.indexOf("main:0");
    int lastSideBeforeMain = 0;
    for (String s : task.seen.subList(0, firstMain)) {
      lastSideBeforeMain += s.startsWith("side:") ? 1 : 0;
    }
    assertEquals("side messages before the first main one: " + task.seen, 200, lastSideBeforeMain);
  }

  @Test
  public void aSettingThatDoesNotParseFailsNamingItsKey() {
    write(main, 1);
    streams.seal(main);
    ContainerException e =
        assertThrows(
            ContainerException.class,
            () ->
                run(
                    new RecordingTask(),
                    settings(main, StreamConfig.BOOTSTRAP, "yes"),
                    main.partition(0)));
    assertThat(
        e.getMessage() + " / " + e.getCause(),
        String.valueOf(e.getCause()),
        containsString("systems.mem.streams.main.samza.bootstrap=yes"));
  }

  private static org.hamcrest.Matcher<Integer> lessThan(int n) {
    return org.hamcrest.Matchers.lessThan(n);
  }
}
