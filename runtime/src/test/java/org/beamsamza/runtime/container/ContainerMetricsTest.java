package org.beamsamza.runtime.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.metrics.JmxMetricsReporter;
import org.beamsamza.runtime.metrics.MetricsConfig;
import org.beamsamza.runtime.metrics.MetricsReporter;
import org.beamsamza.runtime.metrics.MetricsReporterFactory;
import org.beamsamza.runtime.metrics.ReadableMetricsRegistry;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.OutgoingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.EndOfStreamListenerTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskName;
import org.junit.Test;

/** A container's metrics as its reporters see them: counts, lag, timers, JMX beans. */
public class ContainerMetricsTest {
  private static final int PER_PARTITION = 5_000;
  private static final SystemStream OUT = new SystemStream("mem", "out");

  /** Registries the {@link Capturing} reporters were given, by container and source. */
  static final Map<String, ReadableMetricsRegistry> CAPTURED = new ConcurrentHashMap<>();

  /** A configured reporter that keeps what it is given. */
  public static final class Capturing implements MetricsReporterFactory {
    @Override
    public MetricsReporter getMetricsReporter(
        String name, String containerId, Config config, Map<String, SystemFactory> systems) {
      return new MetricsReporter() {
        @Override
        public void register(String source, ReadableMetricsRegistry registry) {
          CAPTURED.put(containerId + "/" + source, registry);
        }

        @Override
        public void start() {}

        @Override
        public void stop() {}
      };
    }
  }

  /** Holds its first message until released, then counts; stops at the end of its inputs. */
  static final class HoldingTask implements StreamTask, EndOfStreamListenerTask {
    final CountDownLatch holding = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile int seen;

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator)
        throws InterruptedException {
      if (seen++ == 0) {
        holding.countDown();
        release.await();
      }
      collector.send(new OutgoingMessageEnvelope(OUT, 0, null, envelope.getMessage()));
    }

    @Override
    public void onEndOfStream(MessageCollector collector, TaskCoordinator coordinator) {
      coordinator.shutdown(TaskCoordinator.RequestScope.CURRENT_TASK);
    }
  }

  @Test
  public void reportsCountsLagAndJmxBeansOfARunningContainer() throws Exception {
    InMemoryStreams streams = new InMemoryStreams();
    SystemStream in = new SystemStream("mem", "in");
    streams.createStream(new StreamSpec(in, 2, false, Map.of()));
    streams.createStream(new StreamSpec(OUT, 1, false, Map.of()));
    for (int i = 0; i < PER_PARTITION; i++) {
      streams.append(in.partition(0), null, "a" + i);
      streams.append(in.partition(1), null, "b" + i);
    }
    streams.seal(in);
    Map<TaskName, TaskModel> tasks = new LinkedHashMap<>();
    for (int p = 0; p < 2; p++) {
      TaskModel m = new TaskModel(new TaskName("T" + p), "S", p, Set.of(in.partition(p)));
      tasks.put(m.getTaskName(), m);
    }
    Map<TaskName, HoldingTask> created = new ConcurrentHashMap<>();
    String containerId = "metrics-" + System.nanoTime();
    Config config =
        new Config(
            Map.of(
                MetricsConfig.REPORTERS,
                "jmx,capture",
                MetricsConfig.reporterKey("capture", "class"),
                Capturing.class.getName(),
                Config.TASK_WINDOW_MS,
                "50",
                MetricsConfig.JOB_NAME,
                "jobA",
                MetricsConfig.JOB_ID,
                "7"));
    SamzaContainer container =
        new SamzaContainer(
            containerId,
            new ContainerModel(containerId, tasks),
            config,
            Map.<String, SystemFactory>of("mem", new InMemorySystemFactory(streams)),
            m -> created.computeIfAbsent(m.getTaskName(), n -> new HoldingTask()),
            new InMemoryCheckpointManager());
    Thread thread = new Thread(container::run, "metrics-container");
    thread.start();

    await(() -> created.size() == 2);
    HoldingTask t0 = created.get(new TaskName("T0"));
    HoldingTask t1 = created.get(new TaskName("T1"));
    // One task holds its first message; the container's thread waits in it.
    await(() -> t0.holding.getCount() == 0 || t1.holding.getCount() == 0);
    HoldingTask held = t0.holding.getCount() == 0 ? t0 : t1;
    String heldTask = held == t0 ? "T0" : "T1";
    SystemStreamPartition heldInput = in.partition(held == t0 ? 0 : 1);

    ReadableMetricsRegistry task = CAPTURED.get(containerId + "/task " + heldTask);
    assertNotNull("the task's registry reached the configured reporter", task);
    assertEquals(
        "nothing processed yet: every message of the partition is behind",
        (long) PER_PARTITION,
        task.values().get("task").get(heldInput + "-lag"));

    MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    ObjectName processedBean =
        JmxMetricsReporter.objectName(
            "jobA-7",
            containerId,
            SamzaContainer.CONTAINER_SOURCE,
            "container",
            "messages-processed");
    assertTrue("JMX bean " + processedBean, jmx.isRegistered(processedBean));
    ObjectName lagBean =
        JmxMetricsReporter.objectName(
            "jobA-7",
            containerId,
            SamzaContainer.taskSource(new TaskName(heldTask)),
            "task",
            heldInput + "-lag");
    assertEquals((long) PER_PARTITION, jmx.getAttribute(lagBean, "Value"));

    t0.release.countDown();
    t1.release.countDown();
    thread.join(60_000);
    assertFalse("container did not stop", thread.isAlive());

    ReadableMetricsRegistry containerRegistry =
        CAPTURED.get(containerId + "/" + SamzaContainer.CONTAINER_SOURCE);
    Map<String, Object> c = containerRegistry.values().get("container");
    assertEquals(2L * PER_PARTITION, c.get("messages-processed"));
    assertEquals(2L * PER_PARTITION, c.get("messages-sent"));
    long sampled = ((Number) ((Map<?, ?>) c.get("process-ns")).get("count")).longValue();
    assertEquals(
        "one process call in " + ContainerMetrics.PROCESS_SAMPLE + " is timed",
        (2L * PER_PARTITION + ContainerMetrics.PROCESS_SAMPLE - 1)
            / ContainerMetrics.PROCESS_SAMPLE,
        sampled);
    assertTrue(((Number) ((Map<?, ?>) c.get("commit-ns")).get("count")).longValue() >= 1);
    for (int p = 0; p < 2; p++) {
      Map<String, Object> values = CAPTURED.get(containerId + "/task T" + p).values().get("task");
      assertEquals((long) PER_PARTITION, values.get("messages-processed"));
      assertEquals("one output per input", (long) PER_PARTITION, values.get("messages-sent"));
      assertEquals(0L, values.get(in.partition(p) + "-lag"));
      assertEquals(Long.toString(PER_PARTITION - 1), values.get(in.partition(p) + "-offset"));
    }
    assertFalse("beans are unregistered when the container stops", jmx.isRegistered(processedBean));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        fail("condition not reached in 60 s (hung?)");
      }
      Thread.sleep(5);
    }
  }
}
