package org.beamsamza.yarn.am;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each container of a job last ran, kept across runs of the job (same {@code --jobName} and
 * {@code --jobId}) in a file of the staging root, {@code locality/<jobName>-<jobId>.properties}:
 * the next run's ApplicationMaster asks for those hosts first, so that a container whose stores
 * were closed cleanly there (an {@code OFFSET} file under {@code --storeBaseDir}) reopens them
 * instead of replaying its changelogs. Samza keeps the same in its coordinator stream.
 */
final class HostAffinity {
  private static final Logger LOG = LoggerFactory.getLogger(HostAffinity.class);

  private final FileSystem fs;
  private final Path file;

  HostAffinity(FileSystem fs, Path stagingRoot, String jobName, String jobId) {
    this.fs = fs;
    this.file = new Path(new Path(stagingRoot, "locality"), jobName + "-" + jobId + ".properties");
  }

  /** Container id to host of the last run; empty for a first run or an unreadable file. */
  Map<String, String> load() {
    Map<String, String> hosts = new LinkedHashMap<>();
    try {
      if (!fs.exists(file)) {
        return hosts;
      }
      Properties p = new Properties();
      try (InputStream in = fs.open(file)) {
        p.load(in);
      }
      p.stringPropertyNames().forEach(id -> hosts.put(id, p.getProperty(id)));
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("Cannot read the job's former hosts from {}; asking for any host", file, e);
    }
    return hosts;
  }

  /** Saves where the containers run now (best effort: affinity is an optimization). */
  void save(Map<String, String> hosts) {
    Properties p = new Properties();
    p.putAll(hosts);
    try {
      fs.mkdirs(file.getParent());
      Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        p.store(out, "container id = host where it last ran");
      }
      fs.delete(file, false);
      fs.rename(tmp, file);
    } catch (IOException e) {
      LOG.warn("Cannot save the job's hosts to {}", file, e);
    }
  }
}
