package org.beamsamza.translation.source;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.runtime.system.CheckpointListener;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemAdmin;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.translation.plan.UnboundedSourceSpec;
import org.beamsamza.translation.streams.ControlMessage;
import org.joda.time.Instant;
import org.junit.Before;
import org.junit.Test;

public class UnboundedSourceSystemTest {
  private static final SystemStreamPartition SSP =
      new SystemStreamPartition("unbounded", "source0", 0);

  private String id;
  private FakeUnboundedSource.Control control;
  private UnboundedSourceSystem system;
  private SystemAdmin admin;

  @Before
  public void setUp() {
    id = UUID.randomUUID().toString();
    control = FakeUnboundedSource.control(id);
    system = systemOf(List.of(new FakeUnboundedSource(id)));
    admin = system.getAdmin("unbounded", new Config(Map.of()));
  }

  private UnboundedSourceSystem systemOf(List<UnboundedSource<?, ?>> splits) {
    return new UnboundedSourceSystem(
        Map.of("source0", new UnboundedSourceSpec("Read/Fake", List.of(splits))),
        PipelineOptionsFactory.create(),
        step -> new MetricsContainerImpl(step));
  }

  private SystemConsumer consumer(String startingOffset) {
    SystemConsumer consumer = system.getConsumer("unbounded", new Config(Map.of()));
    consumer.register(SSP, startingOffset);
    consumer.start();
    return consumer;
  }

  private static List<IncomingMessageEnvelope> poll(SystemConsumer consumer) throws Exception {
    return consumer.poll(Set.of(SSP), 0).getOrDefault(SSP, List.of());
  }

  private static List<Long> values(List<IncomingMessageEnvelope> envelopes) {
    List<Long> values = new ArrayList<>();
    for (IncomingMessageEnvelope e : envelopes) {
      if (e.getMessage() instanceof WindowedValue<?> wv) {
        values.add((Long) wv.getValue());
      }
    }
    return values;
  }

  private static IncomingMessageEnvelope last(List<IncomingMessageEnvelope> envelopes) {
    return envelopes.get(envelopes.size() - 1);
  }

  @Test
  public void readsWhatIsAvailableWithTimestampsInOffsetOrderThenReturnsNothing() throws Exception {
    SystemConsumer consumer = consumer(null);
    control.available.set(3);
    List<IncomingMessageEnvelope> batch = poll(consumer);
    assertEquals(List.of(0L, 1L, 2L), values(batch));
    assertEquals(3, batch.size()); // the watermark did not move: no control message
    WindowedValue<?> second = (WindowedValue<?>) batch.get(1).getMessage();
    assertEquals(new Instant(1000), second.getTimestamp());
    for (int i = 1; i < batch.size(); i++) {
      assertTrue(
          admin.offsetComparator().compare(batch.get(i - 1).getOffset(), batch.get(i).getOffset())
              < 0);
    }
    assertTrue(poll(consumer).isEmpty());
    control.available.set(4);
    List<IncomingMessageEnvelope> next = poll(consumer);
    assertEquals(List.of(3L), values(next));
    assertTrue(
        admin.offsetComparator().compare(last(batch).getOffset(), next.get(0).getOffset()) < 0);
  }

  @Test
  public void idlePartitionStillEmitsTheReadersAdvancingWatermark() throws Exception {
    SystemConsumer consumer = consumer(null);
    control.available.set(1);
    poll(consumer);
    control.watermarkMillis.set(5000);
    List<IncomingMessageEnvelope> idle = poll(consumer);
    assertEquals(1, idle.size());
    assertEquals(new ControlMessage.Watermark(0, 5000), idle.get(0).getMessage());
    assertTrue("no new watermark, nothing to say", poll(consumer).isEmpty());
    control.available.set(2);
    control.watermarkMillis.set(6000);
    List<IncomingMessageEnvelope> both = poll(consumer);
    assertEquals(List.of(1L), values(both));
    assertEquals(new ControlMessage.Watermark(0, 6000), last(both).getMessage());
  }

  @Test
  public void watermarkAtEndOfTimeEndsThePartition() throws Exception {
    SystemConsumer consumer = consumer(null);
    control.available.set(2);
    control.watermarkMillis.set(BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
    List<IncomingMessageEnvelope> batch = poll(consumer);
    assertEquals(List.of(0L, 1L), values(batch));
    assertEquals(new ControlMessage.EndOfStream(0), batch.get(2).getMessage());
    assertTrue(batch.get(3).isEndOfStream());
    assertEquals(4, batch.size());
    control.available.set(5);
    assertTrue("an ended partition reads nothing more", poll(consumer).isEmpty());
  }

  @Test
  public void restartFromTheLastElementOfABatchResumesAfterIt() throws Exception {
    SystemConsumer first = consumer(null);
    control.available.set(3);
    poll(first);
    control.available.set(5);
    List<IncomingMessageEnvelope> batch2 = poll(first);
    String checkpointed = last(batch2).getOffset();
    first.stop();

    control.available.set(7);
    SystemConsumer restarted = consumer(admin.getOffsetAfter(SSP, checkpointed));
    List<IncomingMessageEnvelope> resumed = poll(restarted);
    assertEquals(List.of(5L, 6L), values(resumed));
    assertEquals(List.of(5L), control.resumedFrom);
    assertTrue(
        "offsets go on after the checkpointed one",
        admin.offsetComparator().compare(checkpointed, resumed.get(0).getOffset()) < 0);
  }

  @Test
  public void restartFromInsideABatchRedeliversThatBatchOnly() throws Exception {
    SystemConsumer first = consumer(null);
    control.available.set(3);
    poll(first);
    control.available.set(6);
    List<IncomingMessageEnvelope> batch2 = poll(first); // 3, 4, 5
    String checkpointed = batch2.get(0).getOffset(); // element 3 processed, 4 and 5 not
    first.stop();

    SystemConsumer restarted = consumer(admin.getOffsetAfter(SSP, checkpointed));
    assertEquals("at least once: the batch again", List.of(3L, 4L, 5L), values(poll(restarted)));
  }

  @Test
  public void restartBeforeAnyMarkReadsFromTheStart() throws Exception {
    SystemConsumer first = consumer(null);
    control.available.set(2);
    String checkpointed = poll(first).get(0).getOffset();
    SystemConsumer restarted = consumer(admin.getOffsetAfter(SSP, checkpointed));
    assertEquals(List.of(0L, 1L), values(poll(restarted)));
    assertTrue(control.resumedFrom.isEmpty());
  }

  @Test
  public void marksAreFinalizedOnlyOnceACommitCoversThemInOrderAndOnce() throws Exception {
    SystemConsumer consumer = consumer(null);
    control.available.set(3);
    poll(consumer); // mark at 3
    control.available.set(6);
    List<IncomingMessageEnvelope> batch2 = poll(consumer); // mark at 6
    control.available.set(8);
    List<IncomingMessageEnvelope> batch3 = poll(consumer); // mark at 8
    assertTrue("nothing committed yet", control.finalized.isEmpty());

    CheckpointListener listener = (CheckpointListener) consumer;
    // A commit inside batch 2 covers only batch 1's mark.
    listener.onCheckpoint(Map.of(SSP, batch2.get(1).getOffset()));
    assertEquals(List.of(3L), control.finalized);
    listener.onCheckpoint(Map.of(SSP, last(batch3).getOffset()));
    assertEquals(List.of(3L, 6L, 8L), control.finalized);
    listener.onCheckpoint(Map.of(SSP, last(batch3).getOffset()));
    assertEquals("each mark once", List.of(3L, 6L, 8L), control.finalized);
  }

  @Test
  public void twoSplitsInOnePartitionAreReadTogetherAndResumeEachFromItsMark() throws Exception {
    String otherId = UUID.randomUUID().toString();
    FakeUnboundedSource.Control other = FakeUnboundedSource.control(otherId);
    system = systemOf(List.of(new FakeUnboundedSource(id), new FakeUnboundedSource(otherId)));
    admin = system.getAdmin("unbounded", new Config(Map.of()));
    SystemConsumer first = consumer(null);
    control.available.set(2);
    other.available.set(3);
    control.watermarkMillis.set(10_000);
    other.watermarkMillis.set(4_000);
    List<IncomingMessageEnvelope> batch = poll(first);
    assertEquals(List.of(0L, 1L, 0L, 1L, 2L), values(batch));
    assertEquals(
        "the least watermark of the splits",
        new ControlMessage.Watermark(0, 4000),
        last(batch).getMessage());

    control.available.set(3);
    other.available.set(4);
    SystemConsumer restarted = consumer(admin.getOffsetAfter(SSP, last(batch).getOffset()));
    assertEquals(List.of(2L, 3L), values(poll(restarted)));
    assertEquals(List.of(2L), control.resumedFrom);
    assertEquals(List.of(3L), other.resumedFrom);
  }

  @Test
  public void aFailingReaderNamesStepAndPartition() throws Exception {
    SystemConsumer consumer = consumer(null);
    control.available.set(1);
    poll(consumer);
    control.failAdvance.set(true);
    BoundedSourceSystem.SourceReadException e =
        assertThrows(BoundedSourceSystem.SourceReadException.class, () -> poll(consumer));
    assertTrue(e.getMessage(), e.getMessage().contains("Read/Fake"));
    assertTrue(e.getMessage(), e.getMessage().contains(SSP.toString()));
    assertEquals("fake source broke", e.getCause().getMessage());
    assertFalse(control.finalized.contains(1L));
  }
}
