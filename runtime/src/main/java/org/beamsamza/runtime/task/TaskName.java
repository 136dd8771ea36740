package org.beamsamza.runtime.task;

import java.util.Objects;

/**
 * The stable name of a task ("stage-2-partition-3"): it keys checkpoints and state across restarts.
 */
public final class TaskName implements Comparable<TaskName> {
  private final String name;

  public TaskName(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  public String getName() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskName t && name.equals(t.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public int compareTo(TaskName o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
