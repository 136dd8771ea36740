package org.beamsamza.runtime.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.job.JobModelPlanner;
import org.beamsamza.runtime.job.StageSpec;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.CommitListenerTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Test;

/**
 * {@link CommitListenerTask#onCommitted} comes after the checkpoint covering the work is written.
 */
public class CommitListenerTest {
  private final InMemoryStreams streams = new InMemoryStreams();
  private final InMemoryCheckpointManager checkpoints = new InMemoryCheckpointManager();
  private final SystemStream input = new SystemStream("mem", "input");

  /** Records, at each onCommitted, the last processed offset and the checkpointed one. */
  private final class Recording implements StreamTask, CommitListenerTask {
    final TaskName name;
    final SystemStreamPartition ssp;
    final List<String[]> seenAtCommit = new CopyOnWriteArrayList<>();
    volatile String lastProcessed;

    Recording(TaskName name, SystemStreamPartition ssp) {
      this.name = name;
      this.ssp = ssp;
    }

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
      lastProcessed = envelope.getOffset();
      coordinator.commit(TaskCoordinator.RequestScope.CURRENT_TASK);
    }

    @Override
    public void onCommitted() {
      Checkpoint cp = checkpoints.readLastCheckpoint(name);
      seenAtCommit.add(new String[] {lastProcessed, cp == null ? null : cp.getOffsets().get(ssp)});
    }
  }

  @Test
  public void everyCommitNotificationFollowsACheckpointCoveringWhatWasProcessed() throws Exception {
    streams.createStream(new StreamSpec(input, 1, false, Map.of()));
    for (int i = 0; i < 5; i++) {
      streams.append(input.partition(0), null, "m" + i);
    }
    streams.seal(input);
    JobModel job = JobModelPlanner.plan(List.of(new StageSpec("S", Map.of(input, 1), Map.of())), 1);
    List<Recording> tasks = new CopyOnWriteArrayList<>();
    JobHandle handle =
        LocalJobRunner.start(
            job,
            Config.empty(),
            Map.of("mem", new InMemorySystemFactory(streams)),
            m -> {
              Recording r = new Recording(m.getTaskName(), m.getInputs().iterator().next());
              tasks.add(r);
              return r;
            },
            checkpoints);

    assertEquals(JobStatus.SUCCEEDED, handle.waitForFinish());
    Recording task = tasks.get(0);
    assertTrue("notified at least once", !task.seenAtCommit.isEmpty());
    for (String[] seen : task.seenAtCommit) {
      assertThat("checkpoint written before the notification", seen[1], is(seen[0]));
    }
    String[] last = task.seenAtCommit.get(task.seenAtCommit.size() - 1);
    assertThat(last[0], is(task.lastProcessed));
  }
}
