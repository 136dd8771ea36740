package org.beamsamza.runtime.system.inmemory;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemProducer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.junit.Test;

public class InMemorySystemTest {
  private final InMemoryStreams streams = new InMemoryStreams();
  private final InMemorySystemFactory factory = new InMemorySystemFactory(streams);
  private final SystemStream s = new SystemStream("mem", "s");

  private static byte[] bytes(String v) {
    return v.getBytes(StandardCharsets.UTF_8);
  }

  private List<IncomingMessageEnvelope> drain(SystemConsumer consumer, SystemStreamPartition ssp)
      throws Exception {
    List<IncomingMessageEnvelope> out = new ArrayList<>();
    while (true) {
      List<IncomingMessageEnvelope> batch = consumer.poll(Set.of(ssp), 0).get(ssp);
      if (batch == null) {
        return out;
      }
      out.addAll(batch);
    }
  }

  @Test
  public void messagesAreOrderedPerPartitionAndReadableFromAnyOffset() throws Exception {
    streams.createStream(new StreamSpec(s, 2, false, Map.of()));
    SystemProducer producer = factory.getProducer("mem", Config.empty());
    for (int i = 0; i < 10; i++) {
      producer.send(new OutgoingMessageEnvelope(s, i % 2, "k" + i, bytes("v" + i)));
    }
    SystemConsumer consumer = factory.getConsumer("mem", Config.empty());
    consumer.register(s.partition(0), "3");
    consumer.register(s.partition(1), null);
    consumer.start();

    List<IncomingMessageEnvelope> p0 = drain(consumer, s.partition(0));
    assertEquals(List.of("3", "4"), p0.stream().map(IncomingMessageEnvelope::getOffset).toList());
    assertEquals("k6", p0.get(0).getKey());
    assertArrayEquals(bytes("v6"), (byte[]) p0.get(0).getMessage());
    assertEquals(2, p0.get(0).getSize());
    List<IncomingMessageEnvelope> p1 = drain(consumer, s.partition(1));
    assertEquals(
        List.of("k1", "k3", "k5", "k7", "k9"), p1.stream().map(e -> (String) e.getKey()).toList());
    assertEquals(s.partition(1), p1.get(0).getSystemStreamPartition());

    SystemAdmin admin = factory.getAdmin("mem", Config.empty());
    assertEquals("10", admin.getOffsetAfter(s.partition(0), "9"));
    assertTrue(admin.offsetComparator().compare("9", "10") < 0); // numeric, not lexical
    assertEquals(2, admin.getPartitionCount(s));
    assertFalse(admin.createStream(new StreamSpec(s, 2, false, Map.of())));
  }

  @Test
  public void sealedStreamEndsWithEndOfStreamAfterLastMessage() throws Exception {
    streams.createStream(new StreamSpec(s, 1, false, Map.of()));
    streams.append(s.partition(0), null, "a");
    SystemConsumer consumer = factory.getConsumer("mem", Config.empty());
    consumer.register(s.partition(0), null);
    consumer.start();

    assertEquals(1, drain(consumer, s.partition(0)).size());
    streams.append(s.partition(0), null, "b");
    streams.seal(s);
    List<IncomingMessageEnvelope> rest = drain(consumer, s.partition(0));
    assertEquals(2, rest.size());
    assertEquals("b", rest.get(0).getMessage());
    assertTrue(rest.get(1).isEndOfStream());
    assertTrue(drain(consumer, s.partition(0)).isEmpty()); // end of stream is delivered once
    assertThrows(IllegalStateException.class, () -> streams.append(s.partition(0), null, "c"));
  }

  @Test
  public void trimmingFreesWholeChunksAndTrimmedOffsetsFailLoudly() throws Exception {
    streams.createStream(StreamSpec.intermediate(s, 1));
    SystemStreamPartition p = s.partition(0);
    for (int i = 0; i < 5000; i++) {
      streams.append(p, null, i);
    }
    assertEquals(5, streams.getRetainedChunkCount(p));

    factory.getAdmin("mem", Config.empty()).deleteMessages(Map.of(p, "2999"));

    assertEquals(3000, streams.getOldestOffset(p));
    assertEquals(
        3, streams.getRetainedChunkCount(p)); // [0, 2048) dropped; 2048.. still holds 3000..
    assertEquals(3000, streams.read(p, 3000, 1).get(0).getMessage());
    assertThat(
        assertThrows(IllegalStateException.class, () -> streams.read(p, 2500, 10)).getMessage(),
        containsString("2500"));
    SystemConsumer late = factory.getConsumer("mem", Config.empty());
    late.register(p, "100");
    late.start();
    assertThrows(IllegalStateException.class, () -> late.poll(Set.of(p), 0));
    SystemConsumer fromOldest = factory.getConsumer("mem", Config.empty());
    fromOldest.register(p, null);
    fromOldest.start();
    assertEquals("3000", drain(fromOldest, p).get(0).getOffset());
  }

  @Test
  public void onlyIntermediateStreamsAreTrimmed() {
    streams.createStream(new StreamSpec(s, 1, false, Map.of()));
    for (int i = 0; i < 3000; i++) {
      streams.append(s.partition(0), null, i);
    }
    assertFalse(streams.deleteMessages(s.partition(0), 2500));
    assertEquals(0, streams.getOldestOffset(s.partition(0)));
    assertEquals(3000, streams.read(s.partition(0), 0, 10_000).size());
  }

  @Test
  public void compactionKeepsLastValuePerKeyAndTombstonesRemoveKeys() throws Exception {
    streams.createStream(new StreamSpec(s, 1, false, Map.of("cleanup.policy", "compact")));
    SystemStreamPartition p = s.partition(0);
    streams.append(p, bytes("a"), "a1"); // 0
    streams.append(p, bytes("b"), "b1"); // 1
    streams.append(p, bytes("a"), "a2"); // 2
    streams.append(p, bytes("c"), "c1"); // 3
    streams.append(p, bytes("b"), null); // 4: tombstone
    streams.append(p, bytes("a"), "a3"); // 5
    List<String> expected = List.of("3:c1", "5:a3");

    assertEquals(expected, describe(streams.readLatestPerKey(p)));
    streams.compact(p);
    assertEquals(expected, describe(streams.readAll(p)));
    SystemConsumer consumer = factory.getConsumer("mem", Config.empty());
    consumer.register(p, null);
    consumer.start();
    assertEquals(expected, describe(drain(consumer, p)));
    streams.append(p, bytes("c"), "c2");
    assertEquals("6", streams.read(p, 6, 1).get(0).getOffset()); // offsets keep counting
    assertThrows(IllegalArgumentException.class, () -> streams.append(p, null, "needs a key"));
  }

  @Test
  public void compactionFreesChunksItEmptied() {
    streams.createStream(new StreamSpec(s, 1, false, Map.of("cleanup.policy", "compact")));
    SystemStreamPartition p = s.partition(0);
    for (int i = 0; i < 3000; i++) {
      streams.append(p, "same-key", i);
    }
    assertEquals(3, streams.getRetainedChunkCount(p));
    streams.compact(p);
    assertEquals(1, streams.getRetainedChunkCount(p));
    assertEquals(List.of("2999:2999"), describe(streams.readAll(p)));
  }

  @Test
  public void compactedStreamsCompactThemselvesAsTheyGrow() {
    streams.createStream(new StreamSpec(s, 1, false, Map.of("cleanup.policy", "compact")));
    SystemStreamPartition p = s.partition(0);
    for (int i = 0; i < 200_000; i++) {
      streams.append(p, "k" + (i % 10), i);
    }
    assertThat(streams.getRetainedChunkCount(p), lessThan(10)); // 196 without compaction
    assertEquals(10, streams.readLatestPerKey(p).size());
    assertEquals("199999:199999", describe(streams.readLatestPerKey(p)).get(9));
  }

  @Test
  public void readersRacingCompactionSeeOnlyRealMessagesInOrder() throws Exception {
    streams.createStream(new StreamSpec(s, 1, false, Map.of("cleanup.policy", "compact")));
    SystemStreamPartition p = s.partition(0);
    SystemConsumer consumer = factory.getConsumer("mem", Config.empty());
    consumer.register(p, null);
    consumer.start();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < 400_000; i++) {
                streams.append(p, "k" + (i % 100), i); // auto-compaction runs every 65536 appends
              }
              streams.seal(s);
            });
    writer.start();
    Map<Object, Integer> lastSeen = new java.util.HashMap<>();
    boolean ended = false;
    while (!ended) {
      for (IncomingMessageEnvelope e : consumer.poll(Set.of(p), 100).getOrDefault(p, List.of())) {
        if (e.isEndOfStream()) {
          ended = true;
          continue;
        }
        Integer v = (Integer) e.getMessage();
        assertTrue("phantom tombstone at " + e.getOffset(), v != null);
        assertEquals(e.getOffset(), v.toString());
        Integer before = lastSeen.put(e.getKey(), v);
        assertTrue("out of order for " + e.getKey(), before == null || before < v);
      }
    }
    writer.join();
    assertEquals(100, lastSeen.size());
    assertEquals(Integer.valueOf(399_999), lastSeen.get("k99"));
  }

  private static List<String> describe(List<IncomingMessageEnvelope> envelopes) {
    return envelopes.stream().map(e -> e.getOffset() + ":" + e.getMessage()).toList();
  }

  @Test
  public void concurrentProducersAndConsumerLoseNothingAndKeepOrder() throws Exception {
    int partitions = 4;
    int perPartition = 300_000;
    streams.createStream(new StreamSpec(s, partitions, false, Map.of()));
    SystemConsumer consumer = factory.getConsumer("mem", Config.empty());
    Set<SystemStreamPartition> all = new java.util.HashSet<>();
    for (int p = 0; p < partitions; p++) {
      consumer.register(s.partition(p), null);
      all.add(s.partition(p));
    }
    consumer.start();
    AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
    long[] received = new long[partitions];
    Thread reader =
        new Thread(
            () -> {
              try {
                Set<SystemStreamPartition> open = new java.util.HashSet<>(all);
                while (!open.isEmpty()) {
                  for (var e : consumer.poll(open, 50).entrySet()) {
                    int p = e.getKey().getPartition();
                    for (IncomingMessageEnvelope env : e.getValue()) {
                      if (env.isEndOfStream()) {
                        open.remove(e.getKey());
                      } else {
                        assertEquals(received[p], (long) (Integer) env.getMessage());
                        assertEquals(Long.toString(received[p]), env.getOffset());
                        received[p]++;
                      }
                    }
                  }
                }
              } catch (Throwable t) {
                consumerFailure.set(t);
              }
            });
    reader.start();
    List<Thread> writers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      writers.add(
          new Thread(
              () -> {
                SystemProducer producer = factory.getProducer("mem", Config.empty());
                for (int i = 0; i < perPartition; i++) {
                  producer.send(new OutgoingMessageEnvelope(s, partition, null, i));
                }
              }));
    }
    writers.forEach(Thread::start);
    for (Thread w : writers) {
      w.join();
    }
    streams.seal(s);
    reader.join(30_000);
    assertFalse("consumer still running", reader.isAlive());
    if (consumerFailure.get() != null) {
      throw new AssertionError(consumerFailure.get());
    }
    for (int p = 0; p < partitions; p++) {
      assertEquals(perPartition, received[p]);
    }
  }

  @Test
  public void pollWaitsForDataAndWakesWhenItArrives() throws Exception {
    streams.createStream(new StreamSpec(s, 2, false, Map.of()));
    SystemConsumer consumer = factory.getConsumer("mem", Config.empty());
    consumer.register(s.partition(0), null);
    consumer.register(s.partition(1), null);
    consumer.start();

    long t0 = System.nanoTime();
    assertTrue(consumer.poll(Set.of(s.partition(0), s.partition(1)), 50).isEmpty());
    assertThat(
        (System.nanoTime() - t0) / 1_000_000, org.hamcrest.Matchers.greaterThanOrEqualTo(45L));

    Thread appender =
        new Thread(
            () -> {
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                return;
              }
              streams.append(s.partition(1), null, "x");
            });
    appender.start();
    long t1 = System.nanoTime();
    var result = consumer.poll(Set.of(s.partition(0), s.partition(1)), 10_000);
    long waitedMs = (System.nanoTime() - t1) / 1_000_000;
    assertEquals("x", result.get(s.partition(1)).get(0).getMessage());
    assertThat(waitedMs, lessThan(5_000L));
    appender.join();
  }

  @Test
  public void unknownStreamsAndPartitionsFailWithTheirNames() {
    streams.createStream(new StreamSpec(s, 1, false, Map.of()));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> streams.append(new SystemStream("mem", "nope").partition(0), null, 1))
            .getMessage(),
        containsString("mem.nope"));
    SystemProducer producer = factory.getProducer("mem", Config.empty());
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> producer.send(new OutgoingMessageEnvelope(s, 3, null, 1)))
            .getMessage(),
        containsString("Partition 3"));
    assertThrows(
        IllegalArgumentException.class,
        () -> streams.createStream(new StreamSpec(s, 2, false, Map.of())));
  }
}
