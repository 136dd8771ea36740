package org.beamsamza.runtime.job;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Which container runs which tasks. Computed once by {@link JobModelPlanner}; shipped as data. */
public final class JobModel {
  private final Map<String, ContainerModel> containers;

  public JobModel(Map<String, ContainerModel> containers) {
    this.containers = Collections.unmodifiableMap(new TreeMap<>(containers));
  }

  public Map<String, ContainerModel> getContainers() {
    return containers;
  }

  @Override
  public String toString() {
    return "JobModel" + containers.values();
  }
}
