package org.beamsamza.yarn.client;

import java.io.File;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.beamsamza.yarn.SamzaYarnOptions;

/** The YARN cluster's configuration, from {@code --hadoopConfDir} or the usual variables. */
public final class HadoopConfig {
  private HadoopConfig() {}

  /**
   * {@code core-site.xml} and {@code yarn-site.xml} of the directory named by {@code
   * --hadoopConfDir}, else {@code $HADOOP_CONF_DIR}, else {@code $YARN_CONF_DIR}.
   *
   * @throws IllegalArgumentException naming the option and variables when none names a directory
   *     holding {@code yarn-site.xml}
   */
  public static YarnConfiguration load(SamzaYarnOptions options) {
    return load(
        options.getHadoopConfDir(),
        "--hadoopConfDir",
        "--deployment=yarn needs the cluster's Hadoop configuration directory (core-site.xml,"
            + " yarn-site.xml): set --hadoopConfDir or HADOOP_CONF_DIR");
  }

  /**
   * As {@link #load(SamzaYarnOptions)}, for a tool whose own option ({@code optionName}, e.g. the
   * command line's {@code --hadoop-conf-dir}) gave {@code confDir} (null or blank when not given):
   * errors name that option.
   */
  public static YarnConfiguration load(String confDir, String optionName) {
    return load(
        confDir,
        optionName,
        "The cluster's Hadoop configuration directory (core-site.xml, yarn-site.xml) is needed:"
            + " set "
            + optionName
            + ", HADOOP_CONF_DIR or YARN_CONF_DIR");
  }

  private static YarnConfiguration load(String dir, String source, String missingMessage) {
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("HADOOP_CONF_DIR");
      source = "$HADOOP_CONF_DIR";
    }
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("YARN_CONF_DIR");
      source = "$YARN_CONF_DIR";
    }
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException(missingMessage);
    }
    File yarnSite = new File(dir, "yarn-site.xml");
    if (!yarnSite.isFile()) {
      throw new IllegalArgumentException(
          source + "=" + dir + ": no yarn-site.xml there (the YARN cluster's configuration)");
    }
    YarnConfiguration conf = new YarnConfiguration();
    File coreSite = new File(dir, "core-site.xml");
    if (coreSite.isFile()) {
      conf.addResource(new Path(coreSite.getAbsolutePath()));
    }
    conf.addResource(new Path(yarnSite.getAbsolutePath()));
    return conf;
  }
}
