package org.beamsamza.yarn.client;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;

/**
 * What {@link ApplicationStaging} put on the cluster's file system for one application.
 *
 * @param dir the staging directory
 * @param localResources every staged file, keyed by the name the container sees in its working
 *     directory
 * @param classpath the names of the classpath jars, in classpath order (a subset of the keys of
 *     {@code localResources})
 */
public record StagedFiles(
    Path dir, Map<String, LocalResource> localResources, List<String> classpath) {

  public StagedFiles {
    localResources = Map.copyOf(localResources);
    classpath = List.copyOf(classpath);
  }

  /** The total size of the staged files, in bytes. */
  public long totalBytes() {
    return localResources.values().stream().mapToLong(LocalResource::getSize).sum();
  }
}
