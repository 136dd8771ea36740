package org.beamsamza.yarn.cli;

import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.beamsamza.yarn.client.HadoopConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The application a command is about and the cluster it runs on. */
final class ClusterOptions {
  static final String HADOOP_CONF_DIR = "--hadoop-conf-dir";

  @Parameters(
      index = "0",
      paramLabel = "<applicationId>",
      converter = ApplicationIdConverter.class,
      description = "The YARN application, e.g. application_1700000000000_0001.")
  ApplicationId applicationId;

  @Option(
      names = HADOOP_CONF_DIR,
      paramLabel = "DIR",
      description =
          "The cluster's Hadoop configuration (core-site.xml, yarn-site.xml);"
              + " default: $HADOOP_CONF_DIR, else $YARN_CONF_DIR.")
  String hadoopConfDir;

  YarnConfiguration configuration() {
    return HadoopConfig.load(hadoopConfDir, HADOOP_CONF_DIR);
  }
}
