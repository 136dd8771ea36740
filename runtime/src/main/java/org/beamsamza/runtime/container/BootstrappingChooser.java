package org.beamsamza.runtime.container;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Holds back every message of a non-bootstrap stream until each bootstrap partition (Samza's {@code
 * samza.bootstrap}) has been read up to the newest offset it had when the container started (or
 * ended), as Samza's {@code BootstrappingChooser} does. Messages of bootstrap streams pass through
 * meanwhile; the held ones are then offered in arrival order. Because the container offers one
 * message per partition at a time, it holds at most one per partition.
 */
final class BootstrappingChooser implements MessageChooser {
  /** Where a lagging bootstrap partition is caught up, and how to order its offsets. */
  record Target(String newestOffset, java.util.Comparator<String> order) {}

  private final MessageChooser inner;
  private final Set<SystemStream> bootstrapStreams;
  private final Map<SystemStreamPartition, Target> lagging;
  private final ArrayDeque<IncomingMessageEnvelope> held = new ArrayDeque<>();
  private final Runnable onCaughtUp;

  /**
   * @param lagging the bootstrap partitions still to read, each with its newest offset at start
   * @param onCaughtUp called once, when the last of them is caught up
   */
  BootstrappingChooser(
      MessageChooser inner,
      Set<SystemStream> bootstrapStreams,
      Map<SystemStreamPartition, Target> lagging,
      Runnable onCaughtUp) {
    this.inner = Objects.requireNonNull(inner);
    this.bootstrapStreams = Set.copyOf(bootstrapStreams);
    this.lagging = new HashMap<>(lagging);
    this.onCaughtUp = Objects.requireNonNull(onCaughtUp);
  }

  /** Whether some bootstrap partition is still behind its start-time newest offset. */
  boolean isBootstrapping() {
    return !lagging.isEmpty();
  }

  @Override
  public void register(SystemStreamPartition ssp) {
    inner.register(ssp);
  }

  @Override
  public void update(IncomingMessageEnvelope envelope) {
    if (lagging.isEmpty()
        || bootstrapStreams.contains(envelope.getSystemStreamPartition().getSystemStream())) {
      inner.update(envelope);
    } else {
      held.addLast(envelope);
    }
  }

  @Override
  public IncomingMessageEnvelope choose() {
    IncomingMessageEnvelope e = inner.choose();
    if (e != null && !lagging.isEmpty()) {
      Target target = lagging.get(e.getSystemStreamPartition());
      if (target != null && target.order().compare(e.getOffset(), target.newestOffset()) >= 0) {
        caughtUp(e.getSystemStreamPartition());
      }
    }
    return e;
  }

  @Override
  public void onEndOfStream(SystemStreamPartition ssp) {
    inner.onEndOfStream(ssp);
    caughtUp(ssp);
  }

  private void caughtUp(SystemStreamPartition ssp) {
    if (lagging.remove(ssp) == null || !lagging.isEmpty()) {
      return;
    }
    while (!held.isEmpty()) {
      inner.update(held.pollFirst());
    }
    onCaughtUp.run();
  }
}
