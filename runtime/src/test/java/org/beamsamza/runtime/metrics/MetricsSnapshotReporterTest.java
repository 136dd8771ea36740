package org.beamsamza.runtime.metrics;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.junit.Test;

public class MetricsSnapshotReporterTest {
  /** Java serialization of the snapshot's parts: the runner's JSON serde is tested there. */
  static final class JavaSerde implements MetricsSnapshotSerde {
    @Override
    public byte[] toBytes(MetricsSnapshot s) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        MetricsSnapshot.Header h = s.header();
        out.writeObject(
            new Object[] {
              h.jobName(),
              h.jobId(),
              h.containerName(),
              h.source(),
              h.host(),
              h.resetTime(),
              h.time(),
              new HashMap<>(s.metrics())
            });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public MetricsSnapshot fromBytes(byte[] bytes) {
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        Object[] a = (Object[]) in.readObject();
        return new MetricsSnapshot(
            new MetricsSnapshot.Header(
                (String) a[0],
                (String) a[1],
                (String) a[2],
                (String) a[3],
                (String) a[4],
                (Long) a[5],
                (Long) a[6],
                MetricsSnapshot.VERSION),
            (Map<String, Map<String, Object>>) a[7]);
      } catch (IOException | ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  public void writesEverySourceAndAFinalSnapshotOnStop() throws Exception {
    InMemoryStreams streams = new InMemoryStreams();
    SystemStream metrics = new SystemStream("mem", "metrics");
    streams.createStream(new StreamSpec(metrics, 1, false, Map.of()));
    InMemorySystemFactory factory = new InMemorySystemFactory(streams);
    MetricsRegistryMap container = new MetricsRegistryMap();
    MetricsRegistryMap task = new MetricsRegistryMap();
    Counter processed = task.newCounter("task", "messages-processed");
    MetricsSnapshotReporter reporter =
        new MetricsSnapshotReporter(
            metrics,
            factory.getProducer("mem", Config.empty()),
            new JavaSerde(),
            "job",
            "1",
            "c0",
            60_000);
    reporter.register("container", container);
    reporter.register("task T0", task);
    reporter.start();
    processed.inc(10);
    reporter.report();
    processed.inc(5);
    reporter.stop();

    List<MetricsSnapshot> read = readAll(streams, factory, metrics);
    assertEquals("two reports of two sources", 4, read.size());
    Map<String, MetricsSnapshot> last = new LinkedHashMap<>();
    for (MetricsSnapshot s : read) {
      assertEquals("job", s.header().jobName());
      assertEquals("c0", s.header().containerName());
      assertTrue(s.header().time() >= s.header().resetTime());
      last.put(s.header().source(), s);
    }
    assertEquals(15L, last.get("task T0").metrics().get("task").get("messages-processed"));
    assertEquals(10L, read.get(1).metrics().get("task").get("messages-processed"));
  }

  static List<MetricsSnapshot> readAll(
      InMemoryStreams streams, InMemorySystemFactory factory, SystemStream stream)
      throws InterruptedException {
    streams.seal(stream);
    SystemConsumer consumer = factory.getConsumer("mem", Config.empty());
    consumer.register(stream.partition(0), null);
    consumer.start();
    List<MetricsSnapshot> out = new ArrayList<>();
    JavaSerde serde = new JavaSerde();
    boolean ended = false;
    while (!ended) {
      for (IncomingMessageEnvelope e :
          consumer
              .poll(java.util.Set.of(stream.partition(0)), 1000)
              .getOrDefault(stream.partition(0), List.of())) {
        if (e.isEndOfStream()) {
          ended = true;
        } else {
          out.add(serde.fromBytes((byte[]) e.getMessage()));
        }
      }
    }
    consumer.stop();
    return out;
  }
}
