package org.beamsamza.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.beamsamza.runtime.checkpoint.Checkpoint;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Test;

/**
 * The broker goes away and comes back (same port, same storage): a producer, a consumer and the
 * checkpoint manager made before the outage carry on with nothing lost, while a producer whose
 * delivery timeout is shorter than the outage fails naming its brokers, topic and partition.
 */
public class KafkaOutageTest {
  private static final String SYSTEM = "kafka";
  private static final int BEFORE = 100;
  private static final int DURING = 100;

  private static byte[] bytes(String v) {
    return v.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void clientsRideOutAnOutageShorterThanTheirTimeoutsAndFailNamingTheBrokerWhenLonger()
      throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      Config config = broker.systemConfig(SYSTEM);
      SystemStream stream = new SystemStream(SYSTEM, "outage");
      SystemStreamPartition ssp = stream.partition(0);
      KafkaSystemFactory factory = new KafkaSystemFactory();
      try (KafkaSystemAdmin admin = factory.getAdmin(SYSTEM, config)) {
        admin.createStream(new StreamSpec(stream, 1, false, Map.of()));
      }
      KafkaCheckpointManager checkpoints =
          new KafkaCheckpointManager(SYSTEM, config, "outage-checkpoints");
      checkpoints.start();
      SystemProducer producer = factory.getProducer(SYSTEM, config);
      producer.start();
      SystemProducer impatient =
          factory.getProducer(
              SYSTEM,
              broker.systemConfig(
                  SYSTEM,
                  Map.of(
                      "systems.kafka.producer.delivery.timeout.ms", "1500",
                      "systems.kafka.producer.request.timeout.ms", "1000",
                      "systems.kafka.producer.linger.ms", "0")));
      impatient.start();
      SystemConsumer consumer = factory.getConsumer(SYSTEM, config);
      consumer.register(ssp, null);
      consumer.start();
      try {
        for (int i = 0; i < BEFORE; i++) {
          producer.send(new OutgoingMessageEnvelope(stream, 0, null, bytes("m" + i)));
        }
        producer.flush();
        impatient.send(new OutgoingMessageEnvelope(stream, 0, null, bytes("impatient-before")));
        impatient.flush();
        List<String> read = new ArrayList<>();
        readUntil(consumer, ssp, read, BEFORE + 1);

        broker.stop();
        for (int i = BEFORE; i < BEFORE + DURING; i++) {
          producer.send(new OutgoingMessageEnvelope(stream, 0, null, bytes("m" + i)));
        }
        CompletableFuture<Void> checkpointWrite =
            CompletableFuture.runAsync(
                () ->
                    checkpoints.writeCheckpoint(
                        new TaskName("task-0"), new Checkpoint(Map.of(ssp, "41"))));
        impatient.send(new OutgoingMessageEnvelope(stream, 0, null, bytes("impatient-during")));
        RuntimeException e = assertThrows(RuntimeException.class, impatient::flush);
        assertThat(
            e.getMessage(),
            allOf(
                containsString("brokers " + broker.bootstrapServers()),
                containsString("topic outage partition 0")));
        // The consumer polls through the outage without failing.
        assertTrue(consumer.poll(Set.of(ssp), 200).isEmpty());

        broker.restart();
        producer.flush();
        checkpointWrite.get(2, TimeUnit.MINUTES);
        readUntil(consumer, ssp, read, BEFORE + 1 + DURING);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < BEFORE; i++) {
          expected.add("m" + i);
        }
        expected.add("impatient-before");
        for (int i = BEFORE; i < BEFORE + DURING; i++) {
          expected.add("m" + i);
        }
        assertEquals("everything once, in order", expected, read);

        KafkaCheckpointManager reader =
            new KafkaCheckpointManager(SYSTEM, config, "outage-checkpoints");
        reader.start();
        assertEquals(
            new Checkpoint(Map.of(ssp, "41")), reader.readLastCheckpoint(new TaskName("task-0")));
        reader.stop();
      } finally {
        consumer.stop();
        impatient.stop();
        producer.stop();
        checkpoints.stop();
      }
    }
  }

  /**
   * Polls until {@code read} holds {@code count} messages; two minutes only turn a hang into a
   * failure.
   */
  private static void readUntil(
      SystemConsumer consumer, SystemStreamPartition ssp, List<String> read, int count)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (read.size() < count) {
      assertTrue(
          "only " + read.size() + " of " + count + " messages arrived",
          System.nanoTime() < deadline);
      List<IncomingMessageEnvelope> batch = consumer.poll(Set.of(ssp), 200).get(ssp);
      if (batch != null) {
        for (IncomingMessageEnvelope m : batch) {
          read.add(new String((byte[]) m.getMessage(), StandardCharsets.UTF_8));
        }
      }
    }
  }
}
