package org.beamsamza.state.beam;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.joda.time.Instant;

/**
 * The watermark holds of one task's operator, indexed so that the earliest hold is known without
 * scanning every key: the operator's output watermark may not pass it (Beam's rule that a pane's
 * output timestamp is never behind the downstream watermark).
 */
public final class WatermarkHolds implements HoldIndex {
  /** Identifies one hold cell: key, state namespace and state id. */
  record HoldId(ByteKey key, String namespace, String stateId) {}

  private final Map<HoldId, Instant> current = new HashMap<>();
  private final TreeMap<Instant, Integer> counts = new TreeMap<>();

  @Override
  public void set(ByteKey key, String namespace, String stateId, Instant hold) {
    set(new HoldId(key, namespace, stateId), hold);
  }

  void set(HoldId id, Instant hold) {
    Instant previous = hold == null ? current.remove(id) : current.put(id, hold);
    if (Objects.equals(previous, hold)) {
      return;
    }
    if (previous != null) {
      counts.compute(previous, (t, n) -> n == 1 ? null : n - 1);
    }
    if (hold != null) {
      counts.merge(hold, 1, Integer::sum);
    }
  }

  @Override
  public Instant earliest() {
    return counts.isEmpty() ? null : counts.firstKey();
  }

  public int size() {
    return current.size();
  }
}
