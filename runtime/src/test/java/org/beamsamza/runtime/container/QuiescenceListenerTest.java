package org.beamsamza.runtime.container;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.QuiescenceListener;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.EndOfStreamListenerTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskCoordinator.RequestScope;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.runtime.task.WindowableTask;
import org.junit.Test;

/**
 * The run loop calls a {@link QuiescenceListener} consumer only when the container is quiescent:
 * everything released before has gone through every task, including what a task held until its
 * window tick, and the window tick after a release that only changed state (no message) runs before
 * the next release.
 */
public class QuiescenceListenerTest {
  private final InMemoryStreams streams = new InMemoryStreams();
  private final SystemStream script = new SystemStream("script", "s");
  private final SystemStream mid = new SystemStream("mem", "mid");

  /** What the downstream task had seen each time the listener was called. */
  private final List<List<String>> seenAtQuiescence = new CopyOnWriteArrayList<>();

  private final List<String> seen = new CopyOnWriteArrayList<>();

  /** Messages forwarded only on the window tick, as a bundle that is flushed then. */
  private final List<String> windowTicksSawState = new CopyOnWriteArrayList<>();

  /** Scripted state the listener changes without releasing a message ("clock"). */
  private volatile int clock;

  /**
   * Releases one script step per quiescent point: a message, or a clock change (no message); then
   * the end of the stream.
   */
  private final class ScriptSystem implements SystemFactory {
    private final List<String> steps;

    ScriptSystem(List<String> steps) {
      this.steps = steps;
    }

    @Override
    public SystemConsumer getConsumer(String systemName, Config config) {
      return new ScriptConsumer(steps);
    }

    @Override
    public SystemProducer getProducer(String systemName, Config config) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SystemAdmin getAdmin(String systemName, Config config) {
      return new SystemAdmin() {
        @Override
        public boolean createStream(StreamSpec spec) {
          return false;
        }

        @Override
        public int getPartitionCount(SystemStream stream) {
          return 1;
        }

        @Override
        public String getOffsetAfter(SystemStreamPartition ssp, String offset) {
          return Long.toString(Long.parseLong(offset) + 1);
        }

        @Override
        public Comparator<String> offsetComparator() {
          return Comparator.comparingLong(Long::parseLong);
        }
      };
    }
  }

  private final class ScriptConsumer implements SystemConsumer, QuiescenceListener {
    private final List<String> steps;
    private final List<IncomingMessageEnvelope> released = new ArrayList<>();
    private SystemStreamPartition ssp;
    private int next;
    private boolean ended;

    ScriptConsumer(List<String> steps) {
      this.steps = steps;
    }

    @Override
    public void register(SystemStreamPartition ssp, String startingOffset) {
      this.ssp = ssp;
    }

    @Override
    public void start() {}

    @Override
    public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
        Set<SystemStreamPartition> ssps, long timeoutMs) {
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result = new HashMap<>();
      if (!released.isEmpty() && ssps.contains(ssp)) {
        result.put(ssp, new ArrayList<>(released));
        released.clear();
      }
      return result;
    }

    @Override
    public boolean onQuiescent() {
      seenAtQuiescence.add(List.copyOf(seen));
      if (ended) {
        return false;
      }
      if (next == steps.size()) {
        ended = true;
        released.add(IncomingMessageEnvelope.endOfStream(ssp));
        return true;
      }
      String step = steps.get(next);
      if (step.startsWith("clock=")) {
        clock = Integer.parseInt(step.substring("clock=".length()));
      } else {
        released.add(new IncomingMessageEnvelope(ssp, Integer.toString(next), null, step));
      }
      next++;
      return true;
    }

    @Override
    public void stop() {}
  }

  /** Holds what it reads until its window tick, then forwards it with the clock it saw. */
  private final class HoldingTask implements StreamTask, WindowableTask, EndOfStreamListenerTask {
    private final List<String> held = new ArrayList<>();

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
      held.add((String) envelope.getMessage());
    }

    @Override
    public void window(MessageCollector collector, TaskCoordinator coordinator) {
      windowTicksSawState.add("clock=" + clock);
      for (String m : held) {
        collector.send(new OutgoingMessageEnvelope(mid, 0, null, m + "@" + clock));
      }
      held.clear();
    }

    @Override
    public void onEndOfStream(MessageCollector collector, TaskCoordinator coordinator) {
      window(collector, coordinator);
      collector.send(new OutgoingMessageEnvelope(mid, 0, null, "end"));
      coordinator.shutdown(RequestScope.CURRENT_TASK);
    }
  }

  /** Records what reaches it; stops at "end". */
  private final class RecordingTask implements StreamTask {
    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
      String m = (String) envelope.getMessage();
      if (m.equals("end")) {
        coordinator.shutdown(RequestScope.CURRENT_TASK);
      } else {
        seen.add(m);
      }
    }
  }

  private void run(List<String> steps) throws Exception {
    streams.createStream(new StreamSpec(mid, 1, false, Map.of()));
    Map<String, SystemFactory> systems =
        Map.of("mem", new InMemorySystemFactory(streams), "script", new ScriptSystem(steps));
    Map<TaskName, TaskModel> tasks = new LinkedHashMap<>();
    TaskModel holding = new TaskModel(new TaskName("hold"), "A", 0, Set.of(script.partition(0)));
    TaskModel recording = new TaskModel(new TaskName("record"), "B", 0, Set.of(mid.partition(0)));
    tasks.put(holding.getTaskName(), holding);
    tasks.put(recording.getTaskName(), recording);
    // Window and commit ticks an hour apart: only quiescence makes the holding task forward.
    Config config =
        new Config(Map.of(Config.TASK_WINDOW_MS, "3600000", Config.TASK_COMMIT_MS, "3600000"));
    new SamzaContainer(
            "0",
            new ContainerModel("0", tasks),
            config,
            systems,
            m -> m.getTaskName().getName().equals("hold") ? new HoldingTask() : new RecordingTask(),
            new InMemoryCheckpointManager())
        .run();
  }

  @Test
  public void eachStepIsReleasedOnlyAfterThePreviousOneWentThroughEveryTask() throws Exception {
    run(List.of("a", "b", "clock=5", "c"));

    assertEquals(List.of("a@0", "b@0", "c@5"), seen);
    // Asked once before anything, then after each step had fully gone through; the last call
    // follows the end and is declined.
    assertEquals(
        List.of(
            List.of(),
            List.of("a@0"),
            List.of("a@0", "b@0"),
            List.of("a@0", "b@0"),
            List.of("a@0", "b@0", "c@5")),
        seenAtQuiescence.subList(0, 5));
  }

  @Test
  public void aReleaseWithoutAMessageIsFollowedByAWindowTickBeforeTheNextRelease()
      throws Exception {
    run(List.of("clock=1", "clock=2", "x"));

    assertEquals(List.of("x@2"), seen);
    // Every clock value was seen by a window tick before the clock moved on.
    assertEquals(true, windowTicksSawState.contains("clock=1"));
    assertEquals(true, windowTicksSawState.contains("clock=2"));
  }
}
