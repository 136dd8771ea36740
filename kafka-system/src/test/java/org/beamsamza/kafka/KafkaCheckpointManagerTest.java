package org.beamsamza.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

public class KafkaCheckpointManagerTest {
  private static EmbeddedKafkaBroker broker;

  @BeforeClass
  public static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterClass
  public static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaCheckpointManager manager(String topic) {
    return new KafkaCheckpointManager("kafka", broker.systemConfig("kafka"), topic);
  }

  @Test
  public void checkpointsAreReadBackByANewManagerInstance() {
    SystemStreamPartition in0 = new SystemStreamPartition("kafka", "input", 0);
    SystemStreamPartition in1 = new SystemStreamPartition("kafka", "input", 1);
    SystemStreamPartition mark = new SystemStreamPartition("mem", "source\twith\ttabs", 3);
    Map<SystemStreamPartition, String> odd = new HashMap<>();
    odd.put(mark, "a serialized mark\nwith newlines and ünïcode");
    odd.put(in1, null);
    Checkpoint first = new Checkpoint(Map.of(in0, "10"));
    Checkpoint last = new Checkpoint(Map.of(in0, "42"));
    Checkpoint other = new Checkpoint(odd);

    KafkaCheckpointManager writer = manager("checkpoints-1");
    writer.start();
    assertNull(writer.readLastCheckpoint(new TaskName("task-0")));
    writer.writeCheckpoint(new TaskName("task-0"), first);
    writer.writeCheckpoint(new TaskName("task-1"), other);
    writer.writeCheckpoint(new TaskName("task-0"), last);
    assertEquals(last, writer.readLastCheckpoint(new TaskName("task-0")));
    writer.stop();

    KafkaCheckpointManager reader = manager("checkpoints-1");
    reader.start();
    try {
      assertEquals(last, reader.readLastCheckpoint(new TaskName("task-0")));
      assertEquals(other, reader.readLastCheckpoint(new TaskName("task-1")));
      assertNull(reader.readLastCheckpoint(new TaskName("task-2")));
      assertEquals(2, reader.getCheckpoints().size());
    } finally {
      reader.stop();
    }
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin("kafka", broker.systemConfig("kafka"))) {
      // one compacted partition, as the manager created it
      assertEquals(1, admin.getPartitionCount(new SystemStream("kafka", "checkpoints-1")));
      assertEquals(
          false,
          admin.createStream(
              new StreamSpec(
                  new SystemStream("kafka", "checkpoints-1"),
                  1,
                  false,
                  Map.of("cleanup.policy", "compact"))));
    }
  }

  @Test
  public void aCheckpointTopicWithTheWrongShapeFailsAtStart() {
    try (KafkaSystemAdmin admin = new KafkaSystemAdmin("kafka", broker.systemConfig("kafka"))) {
      admin.createStream(
          new StreamSpec(new SystemStream("kafka", "checkpoints-2"), 1, false, Map.of()));
    }
    KafkaCheckpointManager manager = manager("checkpoints-2");
    IllegalStateException e = assertThrows(IllegalStateException.class, manager::start);
    assertThat(
        e.getMessage(), allOf(containsString("checkpoints-2"), containsString("cleanup.policy")));
  }

  @Test
  public void checkpointsSurviveABrokerRestart() throws Exception {
    TaskName task = new TaskName("task-0");
    Checkpoint checkpoint =
        new Checkpoint(Map.of(new SystemStreamPartition("kafka", "input", 0), "7"));
    KafkaCheckpointManager writer = manager("checkpoints-3");
    writer.start();
    writer.writeCheckpoint(task, checkpoint);
    writer.stop();

    broker.stop();
    broker.restart(); // same port and storage

    KafkaCheckpointManager reader = manager("checkpoints-3");
    reader.start();
    try {
      assertEquals(checkpoint, reader.readLastCheckpoint(task));
    } finally {
      reader.stop();
    }
  }

  @Test
  public void encodingRoundTrips() throws Exception {
    Map<SystemStreamPartition, String> offsets = new HashMap<>();
    offsets.put(new SystemStreamPartition("s", "t", 0), "");
    offsets.put(new SystemStreamPartition("s", "t", 7), null);
    offsets.put(new SystemStreamPartition("s", "u", 1), "x".repeat(100_000));
    Checkpoint c = new Checkpoint(offsets);
    assertEquals(c, KafkaCheckpointManager.decode(KafkaCheckpointManager.encode(c)));
    assertEquals(
        new Checkpoint(Map.of()),
        KafkaCheckpointManager.decode(KafkaCheckpointManager.encode(new Checkpoint(Map.of()))));
  }
}
