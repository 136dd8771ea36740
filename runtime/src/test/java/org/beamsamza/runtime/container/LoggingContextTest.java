package org.beamsamza.runtime.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beamsamza.runtime.checkpoint.InMemoryCheckpointManager;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.job.ContainerModel;
import org.beamsamza.runtime.job.TaskModel;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.StreamSpec;
import org.beamsamza.runtime.system.SystemFactory;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.inmemory.InMemoryStreams;
import org.beamsamza.runtime.system.inmemory.InMemorySystemFactory;
import org.beamsamza.runtime.task.EndOfStreamListenerTask;
import org.beamsamza.runtime.task.InitableTask;
import org.beamsamza.runtime.task.MessageCollector;
import org.beamsamza.runtime.task.StreamTask;
import org.beamsamza.runtime.task.TaskContext;
import org.beamsamza.runtime.task.TaskCoordinator;
import org.beamsamza.runtime.task.TaskName;
import org.beamsamza.runtime.task.WindowableTask;
import org.junit.Test;
import org.slf4j.LoggerFactory;

/** What tasks log carries their container and task in the SLF4J MDC (logback reads it here). */
public class LoggingContextTest {
  private static final org.slf4j.Logger TASK_LOG = LoggerFactory.getLogger("task-log");

  /** Logs in every call, naming itself in the message so each event can be checked. */
  static final class LoggingTask
      implements StreamTask, InitableTask, WindowableTask, EndOfStreamListenerTask {
    private String name;

    @Override
    public void init(TaskContext context) {
      name = context.getTaskName().getName();
      TASK_LOG.info("init {}", name);
    }

    @Override
    public void process(
        IncomingMessageEnvelope envelope, MessageCollector collector, TaskCoordinator coordinator) {
      TASK_LOG.info("process {}", name);
    }

    @Override
    public void window(MessageCollector collector, TaskCoordinator coordinator) {
      TASK_LOG.info("window {}", name);
    }

    @Override
    public void onEndOfStream(MessageCollector collector, TaskCoordinator coordinator) {
      TASK_LOG.info("end {}", name);
      coordinator.shutdown(TaskCoordinator.RequestScope.CURRENT_TASK);
    }
  }

  @Test
  public void everyLineATaskLogsNamesItsContainerAndTask() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("task-log");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    logger.setLevel(Level.INFO);
    try {
      InMemoryStreams streams = new InMemoryStreams();
      SystemStream in = new SystemStream("mem", "in");
      streams.createStream(new StreamSpec(in, 2, false, Map.of()));
      for (int i = 0; i < 50; i++) {
        streams.append(in.partition(0), null, "a" + i);
        streams.append(in.partition(1), null, "b" + i);
      }
      streams.seal(in);
      Map<TaskName, TaskModel> tasks = new LinkedHashMap<>();
      for (int p = 0; p < 2; p++) {
        TaskModel m = new TaskModel(new TaskName("T" + p), "S", p, Set.of(in.partition(p)));
        tasks.put(m.getTaskName(), m);
      }
      SamzaContainer container =
          new SamzaContainer(
              "c7",
              new ContainerModel("c7", tasks),
              new Config(Map.of(Config.TASK_WINDOW_MS, "1")),
              Map.<String, SystemFactory>of("mem", new InMemorySystemFactory(streams)),
              m -> new LoggingTask(),
              new InMemoryCheckpointManager());
      Thread thread = new Thread(container::run, "logging-container");
      thread.start();
      thread.join(60_000);
      assertFalse("container did not stop", thread.isAlive());
    } finally {
      logger.detachAppender(events);
    }

    List<ILoggingEvent> logged = events.list;
    assertTrue("2 inits, 100 messages, 2 ends at least: " + logged.size(), logged.size() >= 104);
    int processLines = 0;
    for (ILoggingEvent e : logged) {
      String message = e.getFormattedMessage();
      String task = message.substring(message.indexOf(' ') + 1);
      Map<String, String> mdc = e.getMDCPropertyMap();
      assertEquals(message, "c7", mdc.get(SamzaContainer.MDC_CONTAINER));
      assertEquals(message, task, mdc.get(SamzaContainer.MDC_TASK));
      processLines += message.startsWith("process") ? 1 : 0;
    }
    assertEquals(100, processLines);
  }
}
