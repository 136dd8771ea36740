package org.beamsamza.runtime.container;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.beamsamza.runtime.system.IncomingMessageEnvelope;
import org.beamsamza.runtime.system.SystemStream;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Serves the highest-priority partitions that have a message first (Samza's {@code
 * samza.priority}), each priority level in the order of a chooser of its own (round robin), so a
 * busy side input is read ahead of the main input it gates but partitions of one level stay fair.
 */
final class PriorityChooser implements MessageChooser {
  private final Map<SystemStream, Integer> priorities;

  /** Chooser per priority, highest first. */
  private final TreeMap<Integer, MessageChooser> levels =
      new TreeMap<>(java.util.Comparator.reverseOrder());

  private final Supplier<MessageChooser> levelChooser;

  /**
   * @param priorities the priority of each stream; a stream not named has priority 0
   * @param defaultLevel the chooser of priority 0
   * @param levelChooser makes the chooser of any other priority
   */
  PriorityChooser(
      Map<SystemStream, Integer> priorities,
      MessageChooser defaultLevel,
      Supplier<MessageChooser> levelChooser) {
    this.priorities = Map.copyOf(priorities);
    this.levelChooser = Objects.requireNonNull(levelChooser);
    levels.put(0, Objects.requireNonNull(defaultLevel));
  }

  @Override
  public void register(SystemStreamPartition ssp) {
    level(ssp).register(ssp);
  }

  @Override
  public void update(IncomingMessageEnvelope envelope) {
    level(envelope.getSystemStreamPartition()).update(envelope);
  }

  @Override
  public IncomingMessageEnvelope choose() {
    for (MessageChooser level : levels.values()) {
      IncomingMessageEnvelope e = level.choose();
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  @Override
  public void onEndOfStream(SystemStreamPartition ssp) {
    level(ssp).onEndOfStream(ssp);
  }

  private MessageChooser level(SystemStreamPartition ssp) {
    int priority = priorities.getOrDefault(ssp.getSystemStream(), 0);
    return levels.computeIfAbsent(priority, p -> levelChooser.get());
  }
}
