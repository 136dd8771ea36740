package org.beamsamza.runtime.checkpoint;

import java.util.Map;
import java.util.TreeMap;
import org.beamsamza.runtime.system.SystemStreamPartition;

/** The last processed offset of every partition of one task, written at each commit. */
public final class Checkpoint {
  private final Map<SystemStreamPartition, String> offsets;

  public Checkpoint(Map<SystemStreamPartition, String> offsets) {
    this.offsets = java.util.Collections.unmodifiableMap(new TreeMap<>(offsets));
  }

  public Map<SystemStreamPartition, String> getOffsets() {
    return offsets;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && offsets.equals(c.offsets);
  }

  @Override
  public int hashCode() {
    return offsets.hashCode();
  }

  @Override
  public String toString() {
    return "Checkpoint" + offsets;
  }
}
