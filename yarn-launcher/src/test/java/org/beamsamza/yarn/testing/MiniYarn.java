package org.beamsamza.yarn.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * An in-process YARN cluster (one ResourceManager, two NodeManagers by default) whose containers
 * are real JVMs. Writes under {@code ./target/test/data/<name>/}. Close it to stop it; closing
 * twice, or after a failed start, is harmless.
 */
public final class MiniYarn implements AutoCloseable {

  // JUL keeps loggers weakly: hold them so the quieter level stays set.
  private static final List<Logger> QUIETENED = new ArrayList<>();

  static {
    for (String name :
        List.of(
            "com.sun.jersey",
            "org.apache.hadoop.shaded.com.sun.jersey",
            "org.apache.hadoop.shaded.com.google.inject",
            "com.google.inject")) {
      Logger logger = Logger.getLogger(name);
      logger.setLevel(Level.SEVERE);
      QUIETENED.add(logger);
    }
  }

  /** How long start() waits for the node managers to register; only guards a hang. */
  private static final long NODES_RUNNING_TIMEOUT_MS = 120_000;

  private final MiniYARNCluster cluster;
  private final int nodeManagers;
  private final int nodeMemoryMb;
  private Path confDir;
  private Configuration config;

  private MiniYarn(Builder builder) {
    this.nodeManagers = builder.nodeManagers;
    this.nodeMemoryMb = builder.nodeMemoryMb;
    this.cluster = new MiniYARNCluster(builder.name, builder.nodeManagers, 1, 1);
  }

  /** A cluster named {@code name} (its directory under target/test/data). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Starts a default cluster: 2 node managers of 4096 MB, one queue "default". */
  public static MiniYarn start(String name) throws Exception {
    return builder(name).start();
  }

  /** Options of the cluster. */
  public static final class Builder {
    private final String name;
    private int nodeManagers = 2;
    private int nodeMemoryMb = 4096;
    private final List<String> extraQueues = new ArrayList<>();
    private final java.util.Map<String, String> extraConfig = new java.util.LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Memory of each node manager; also the largest container the scheduler grants. */
    public Builder nodeMemoryMb(int mb) {
      this.nodeMemoryMb = mb;
      return this;
    }

    public Builder nodeManagers(int count) {
      this.nodeManagers = count;
      return this;
    }

    /** A queue beside "default"; the queues share the cluster's capacity evenly. */
    public Builder extraQueue(String queue) {
      extraQueues.add(queue);
      return this;
    }

    /** Any other cluster setting (applied last). */
    public Builder config(String key, String value) {
      extraConfig.put(key, value);
      return this;
    }

    public MiniYarn start() throws Exception {
      MiniYarn yarn = new MiniYarn(this);
      try {
        yarn.startCluster(configuration());
      } catch (Exception | Error e) {
        yarn.close();
        throw e;
      }
      return yarn;
    }

    private YarnConfiguration configuration() throws IOException {
      YarnConfiguration conf = new YarnConfiguration();
      // Queues: without a capacity-scheduler.xml on the classpath the capacity scheduler has no
      // root queues and the RM fails to start.
      List<String> queues = new ArrayList<>();
      queues.add("default");
      queues.addAll(extraQueues);
      conf.set("yarn.scheduler.capacity.root.queues", String.join(",", queues));
      int share = 100 / queues.size();
      for (int i = 0; i < queues.size(); i++) {
        int capacity = i == 0 ? 100 - share * (queues.size() - 1) : share;
        conf.set("yarn.scheduler.capacity.root." + queues.get(i) + ".capacity", "" + capacity);
      }
      // An AM may take half the cluster (the default 0.1 of 8 GB would leave room for no AM).
      conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");

      // Memory: each NM offers nodeMemoryMb; the largest container equals one NM.
      conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", nodeMemoryMb);
      conf.setInt(YarnConfiguration.NM_PMEM_MB, nodeMemoryMb);
      conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nodeMemoryMb);
      conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
      // A JVM reserves far more virtual memory than 2.1 x its container size.
      conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);

      // Fixed ports, so the tracking URLs name a real web port instead of localhost:0; the RPC
      // ports stay ephemeral (0) and the web port is a free one picked now.
      conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
      conf.set(YarnConfiguration.RM_ADDRESS, "localhost:0");
      conf.set(YarnConfiguration.RM_SCHEDULER_ADDRESS, "localhost:0");
      conf.set(YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, "localhost:0");
      conf.set(YarnConfiguration.RM_ADMIN_ADDRESS, "localhost:0");
      conf.set(YarnConfiguration.RM_WEBAPP_ADDRESS, "localhost:" + freePort());
      // With fixed ports MiniYARNCluster no longer makes the NM ports ephemeral; two NMs on the
      // default ports would collide.
      conf.set(YarnConfiguration.NM_ADDRESS, "localhost:0");
      conf.set(YarnConfiguration.NM_LOCALIZER_ADDRESS, "localhost:0");
      conf.set(YarnConfiguration.NM_WEBAPP_ADDRESS, "localhost:0");
      conf.set(YarnConfiguration.NM_COLLECTOR_SERVICE_ADDRESS, "localhost:0");

      // Stopping waits ~34 s for log aggregation/deletion otherwise.
      conf.setInt(YarnConfiguration.NM_LOG_RETAIN_SECONDS, 0);
      // Keep container directories (and their logs) after the application, for containerLogs().
      conf.setInt(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 3600);
      // A disk above 90% full would mark the NMs UNHEALTHY and no container would start.
      conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
      // Containers run the JDK of this test, whatever JAVA_HOME the build has (often none).
      conf.set(
          YarnConfiguration.NM_ADMIN_USER_ENV,
          "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX,JAVA_HOME=" + System.getProperty("java.home"));
      extraConfig.forEach(conf::set);
      return conf;
    }
  }

  private void startCluster(YarnConfiguration conf) throws Exception {
    cluster.init(conf);
    cluster.start();
    config = new YarnConfiguration(cluster.getConfig());
    awaitNodesRunning();
    confDir = Files.createTempDirectory("miniyarn-conf");
    // One file would do; both names are written since clients load core-site.xml for the file
    // system and yarn-site.xml for YARN.
    for (String file : List.of("core-site.xml", "yarn-site.xml")) {
      try (OutputStream out = Files.newOutputStream(confDir.resolve(file))) {
        config.writeXml(out);
      }
    }
  }

  private void awaitNodesRunning() throws Exception {
    try (YarnClient client = YarnClient.createYarnClient()) {
      client.init(config);
      client.start();
      long deadline = System.currentTimeMillis() + NODES_RUNNING_TIMEOUT_MS;
      int running;
      while ((running = client.getNodeReports(NodeState.RUNNING).size()) < nodeManagers) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              running
                  + " of "
                  + nodeManagers
                  + " node managers RUNNING after "
                  + NODES_RUNNING_TIMEOUT_MS
                  + " ms: "
                  + client.getNodeReports());
        }
        Thread.sleep(100);
      }
    }
  }

  /** A copy of the started cluster's configuration, as a client uses it. */
  public Configuration config() {
    return new YarnConfiguration(config);
  }

  /** A directory with core-site.xml and yarn-site.xml of the started cluster (HADOOP_CONF_DIR). */
  public Path confDir() {
    return confDir;
  }

  /** The ResourceManager's web port, the one tracking URLs name. */
  public int webAppPort() {
    String address = config.get(YarnConfiguration.RM_WEBAPP_ADDRESS);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** Memory of each node manager (and the largest container), in MB. */
  public int nodeMemoryMb() {
    return nodeMemoryMb;
  }

  public MiniYARNCluster cluster() {
    return cluster;
  }

  /** Where the cluster keeps its files (target/test/data/<name>). */
  public File workDir() {
    return cluster.getTestWorkDir();
  }

  /**
   * The stdout and stderr of every container of {@code application} found in the node managers' log
   * directories, each headed by its path: for a failing test to print.
   */
  public String containerLogs(ApplicationId application) {
    StringBuilder text = new StringBuilder();
    String appDir = application.toString();
    try (Stream<Path> files = Files.walk(workDir().toPath())) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.toString().contains(File.separator + appDir + File.separator))
              .filter(
                  f -> {
                    String name = f.getFileName().toString();
                    return name.equals("stdout") || name.equals("stderr");
                  })
              .sorted()
              .toList()) {
        text.append("==== ").append(file).append('\n');
        text.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  @Override
  public void close() {
    try {
      cluster.stop();
    } finally {
      if (confDir != null) {
        try (Stream<Path> files = Files.walk(confDir)) {
          files.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
          // a leftover temp directory is not worth failing a test for
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
