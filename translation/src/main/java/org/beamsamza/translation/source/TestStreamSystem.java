package org.beamsamza.translation.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.QuiescenceListener;
import org.beamsamza.runtime.system.SystemConsumer;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.state.beam.ManualProcessingClock;
import org.beamsamza.translation.plan.TestStreamSpec;
import org.beamsamza.translation.streams.ControlMessage;

/**
 * Beam's TestStream as a Samza system: each stream is one TestStream, with one partition that
 * replays its events in order. An element event becomes its elements (timestamped, in the global
 * window), a watermark event an in-band {@link ControlMessage.Watermark}, a processing-time event
 * an advance of the job's {@link ManualProcessingClock}; after the last event come {@link
 * ControlMessage.EndOfStream} and the end-of-stream envelope (TestStream's watermark goes to
 * +infinity at its end).
 *
 * <p><b>One event per quiescent point.</b> The consumer releases its next event only from {@link
 * QuiescenceListener#onQuiescent}, i.e. once the container has processed everything produced so
 * far, finished its bundles and fired the processing-time timers due at the current (test) time.
 * That is the DirectRunner's contract (it evaluates the TestStream only when nothing else is
 * pending) and what the tests assert against: e.g. elements of one event may not be overtaken by a
 * later watermark event, nor a processing-time trigger fire before the elements ahead of it were
 * grouped. It is why a job with a TestStream runs in one container (local execution sees to it).
 *
 * <p>Offsets count the envelopes of the partition, so a task restarted from a checkpoint replays
 * the script and skips what it had processed (the clock advances of skipped events apply again).
 */
public final class TestStreamSystem extends InProcessSourceSystem {
  private final Map<String, TestStreamSpec> streams;
  private final ManualProcessingClock clock;

  /**
   * @param clock the job's processing clock, which processing-time events advance
   */
  public TestStreamSystem(Map<String, TestStreamSpec> streams, ManualProcessingClock clock) {
    super("TestStream");
    this.streams = streams;
    this.clock = clock;
  }

  private TestStreamSpec spec(SystemStream stream) {
    TestStreamSpec spec = streams.get(stream.getStream());
    if (spec == null) {
      throw noSuchStream(stream);
    }
    return spec;
  }

  @Override
  int partitionCount(SystemStream stream) {
    spec(stream);
    return 1;
  }

  @Override
  SystemConsumer newConsumer() {
    return new Consumer();
  }

  /** The replay of one TestStream. */
  private final class Replay {
    private final SystemStreamPartition ssp;
    private final List<? extends TestStream.Event<?>> events;
    private final long skip;
    private final List<IncomingMessageEnvelope> released = new ArrayList<>();
    private int nextEvent;
    private long nextOffset;
    private boolean ended;

    Replay(SystemStreamPartition ssp, TestStreamSpec spec, long skip) {
      this.ssp = ssp;
      this.events = spec.decode().getEvents();
      this.skip = skip;
    }

    /**
     * Releases the next event (and, while restarting, every event whose output was already
     * processed before the checkpoint). Returns false once the end has been released.
     */
    boolean releaseNext() {
      if (ended) {
        return false;
      }
      do {
        if (nextEvent == events.size()) {
          ended = true;
          add(new ControlMessage.EndOfStream(0));
          released.add(IncomingMessageEnvelope.endOfStream(ssp));
          return true;
        }
        TestStream.Event<?> event = events.get(nextEvent++);
        if (event instanceof TestStream.ElementEvent<?> elements) {
          for (TimestampedValue<?> element : elements.getElements()) {
            add(
                WindowedValues.timestampedValueInGlobalWindow(
                    element.getValue(), element.getTimestamp()));
          }
        } else if (event instanceof TestStream.WatermarkEvent<?> watermark) {
          add(new ControlMessage.Watermark(0, watermark.getWatermark().getMillis()));
        } else if (event instanceof TestStream.ProcessingTimeEvent<?> processingTime) {
          clock.advance(processingTime.getProcessingTimeAdvance());
          if (nextOffset >= skip) {
            return true;
          }
        } else {
          throw new IllegalStateException(
              "TestStream " + ssp + ": unknown event " + event + " at index " + (nextEvent - 1));
        }
      } while (released.isEmpty());
      return true;
    }

    private void add(Object message) {
      long offset = nextOffset++;
      if (offset >= skip) {
        released.add(new IncomingMessageEnvelope(ssp, Long.toString(offset), null, message));
      }
    }
  }

  private final class Consumer implements SystemConsumer, QuiescenceListener {
    private final Map<SystemStreamPartition, Replay> replays = new LinkedHashMap<>();

    @Override
    public void register(SystemStreamPartition ssp, String startingOffset) {
      if (ssp.getPartition() != 0) {
        throw new IllegalArgumentException("A TestStream has one partition, not " + ssp);
      }
      long skip = startingOffset == null ? 0 : Long.parseLong(startingOffset);
      replays.put(ssp, new Replay(ssp, spec(ssp.getSystemStream()), skip));
    }

    @Override
    public void start() {}

    @Override
    public Map<SystemStreamPartition, List<IncomingMessageEnvelope>> poll(
        Set<SystemStreamPartition> ssps, long timeoutMs) {
      Map<SystemStreamPartition, List<IncomingMessageEnvelope>> result = new HashMap<>();
      for (SystemStreamPartition ssp : ssps) {
        Replay replay = replays.get(ssp);
        if (replay != null && !replay.released.isEmpty()) {
          result.put(ssp, new ArrayList<>(replay.released));
          replay.released.clear();
        }
      }
      return result;
    }

    /** Every stream releases its next event: all of them wait for the same quiescent points. */
    @Override
    public boolean onQuiescent() {
      boolean released = false;
      for (Replay replay : replays.values()) {
        released |= replay.releaseNext();
      }
      return released;
    }

    @Override
    public void stop() {}
  }
}
