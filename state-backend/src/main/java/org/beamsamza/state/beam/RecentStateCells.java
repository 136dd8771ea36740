package org.beamsamza.state.beam;

import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.sdk.state.State;

/**
 * The last few state cells a {@code StateInternals} handed out, checked before its own lookup: a
 * DoFn asks for its same few cells on every element (runners-core's parameter binding builds a new
 * namespace and state tag each time), and runners-core's {@code StateTable} answers with two hash
 * lookups and a wrapper per call. The same namespace and state id give the same cell, as in the
 * table. Not thread-safe, like the state it caches.
 */
public final class RecentStateCells {
  static final int SIZE = 8;

  private final StateNamespace[] namespaces = new StateNamespace[SIZE];
  private final String[] ids = new String[SIZE];
  private final State[] cells = new State[SIZE];
  private int next;

  /** The cell remembered for {@code namespace} and {@code id}, or null. */
  public State find(StateNamespace namespace, String id) {
    for (int i = 0; i < SIZE; i++) {
      String recentId = ids[i];
      if (recentId == null) {
        return null;
      }
      if (recentId.equals(id) && namespaces[i].equals(namespace)) {
        return cells[i];
      }
    }
    return null;
  }

  /** Remembers {@code cell} for {@code namespace} and {@code id}, forgetting the oldest. */
  public void remember(StateNamespace namespace, String id, State cell) {
    int slot = next;
    next = (next + 1) % SIZE;
    namespaces[slot] = namespace;
    ids[slot] = id;
    cells[slot] = cell;
  }

  /** Forgets every cell (their state now belongs to another key). */
  public void clear() {
    java.util.Arrays.fill(namespaces, null);
    java.util.Arrays.fill(ids, null);
    java.util.Arrays.fill(cells, null);
    next = 0;
  }
}
