package org.beamsamza.translation.task;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.plan.ExternalInput;
import org.beamsamza.translation.plan.SinkSpec;
import org.beamsamza.translation.plan.SourceInputSpec;
import org.beamsamza.translation.plan.StagePlan;
import org.beamsamza.translation.spi.ExternalPartitionReader;
import org.beamsamza.translation.spi.ExternalReaderFactory;
import org.beamsamza.translation.streams.ControlMessage;
import org.beamsamza.translation.streams.StreamRecords;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * A stage whose source is an external input of two streams ({@code a} with 2 partitions, {@code b}
 * with 1, as two topics of one KafkaIO read), run by hand: each owned partition gets a reader of
 * its own, the output's watermark is the least of the owned partitions' watermarks and moves only
 * on the window tick, and a task that owns no partition of the input has it ended from the start.
 */
public class ExternalInputTaskTest {
  static final AtomicInteger OPENED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();

  /** Messages are {@code "value@timestamp"}; a partition's watermark is its newest timestamp. */
  static final class FakeReaders implements ExternalReaderFactory {
    @Override
    public ExternalPartitionReader open(
        SystemStreamPartition ssp, String stepName, PipelineOptions options) {
      OPENED.incrementAndGet();
      return new ExternalPartitionReader() {
        Instant newest = BoundedWindow.TIMESTAMP_MIN_VALUE;

        @Override
        public void process(IncomingMessageEnvelope envelope, Outputs outputs) throws Exception {
          String[] m = ((String) envelope.getMessage()).split("@");
          Instant ts = new Instant(Long.parseLong(m[1]));
          newest = ts.isAfter(newest) ? ts : newest;
          outputs.emit(0, WindowedValues.timestampedValueInGlobalWindow(m[0], ts));
        }

        @Override
        public Instant watermark(Instant now) {
          return newest;
        }

        @Override
        public void close() {
          CLOSED.incrementAndGet();
        }
      };
    }
  }

  private static final ExternalInput INPUT =
      new ExternalInput("Read", "ext", List.of("pc"), new FakeReaders());
  private static final Coder<WindowedValue<String>> CODER =
      WindowedValues.getFullCoder(StringUtf8Coder.of(), GlobalWindow.Coder.INSTANCE);

  /**
   * @param taskCount more than the streams' partitions when the stage has a wider input
   */
  private static StagePlan stage(int partitionsOfA, int partitionsOfB, int taskCount) {
    return new StagePlan(
        "stage0",
        taskCount,
        List.of(),
        List.of(
            new SourceInputSpec("a", partitionsOfA, "pc", SourceInputSpec.Kind.EXTERNAL, INPUT),
            new SourceInputSpec("b", partitionsOfB, "pc", SourceInputSpec.Kind.EXTERNAL, INPUT)),
        List.of(),
        List.of(),
        List.of(new SinkSpec("pc", "out", 1, null, CODER)));
  }

  /** One task of the stage, owning partition {@code index} of each stream that has one. */
  private static final class Task {
    final List<Object> log = new ArrayList<>();
    final RecordingMessageCollector collector = new RecordingMessageCollector(log);
    final RecordingTaskCoordinator coordinator = new RecordingTaskCoordinator(log);
    final StageTask task;

    Task(StagePlan stage, int index, Set<SystemStreamPartition> owned) throws Exception {
      task =
          new StageTask(
              stage,
              PipelineOptionsFactory.create(),
              new MetricsContainerStepMap(),
              StageTaskHarness.SYSTEMS,
              1000);
      task.init(new FakeTaskContext("t" + index, "stage0", index, stage.taskCount(), owned));
    }

    void process(String stream, int partition, String message) throws Exception {
      task.process(
          new IncomingMessageEnvelope(
              new SystemStreamPartition("ext", stream, partition), "0", null, message),
          collector,
          coordinator);
    }

    List<Long> watermarksOut() {
      return collector.sent("out", 0).stream()
          .filter(e -> !StreamRecords.isData((byte[]) e.getMessage()))
          .map(e -> StreamRecords.decodeControl((byte[]) e.getMessage()))
          .filter(c -> c instanceof ControlMessage.Watermark)
          .map(c -> ((ControlMessage.Watermark) c).millis())
          .toList();
    }

    List<String> dataOut() {
      return collector.sent("out", 0).stream()
          .filter(e -> StreamRecords.isData((byte[]) e.getMessage()))
          .map(e -> StreamRecords.decodeData(CODER, (byte[]) e.getMessage()).getValue())
          .toList();
    }
  }

  @Test
  public void watermarkIsTheLeastOfTheOwnedPartitionsAndMovesOnTheTick() throws Exception {
    OPENED.set(0);
    CLOSED.set(0);
    Task t =
        new Task(
            stage(2, 1, 2),
            0,
            Set.of(
                new SystemStreamPartition("ext", "a", 0),
                new SystemStreamPartition("ext", "b", 0)));
    assertThat("a reader per owned partition", OPENED.get(), equalTo(2));
    t.process("a", 0, "x@100");
    t.process("b", 0, "y@50");
    assertThat(t.dataOut(), contains("x", "y"));
    assertThat("no watermark before the tick", t.watermarksOut(), empty());
    t.task.window(t.collector, t.coordinator);
    t.process("b", 0, "z@200");
    t.task.window(t.collector, t.coordinator);
    assertThat(t.watermarksOut(), contains(50L, 100L));
    assertThat("an external input never ends", t.coordinator.shutdowns(), empty());
    t.task.close();
    assertThat(CLOSED.get(), equalTo(2));
  }

  @Test
  public void aTaskOwningNoPartitionOfTheInputHasItEnded() throws Exception {
    // e.g. the read is flattened with a source of more partitions: task 1 owns no topic partition.
    Task t = new Task(stage(1, 1, 2), 1, Set.of());
    t.task.window(t.collector, t.coordinator);
    assertThat(t.coordinator.shutdowns().size(), equalTo(1));
  }
}
