package org.beamsamza.yarn;

import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.beamsamza.runner.SamzaPipelineOptions;

/** Options of {@code --deployment=yarn}: where and with what resources the job runs on YARN. */
public interface SamzaYarnOptions extends SamzaPipelineOptions {

  @Description(
      "Hadoop configuration directory (core-site.xml, yarn-site.xml) of the YARN cluster."
          + " Default: $HADOOP_CONF_DIR, else $YARN_CONF_DIR.")
  String getHadoopConfDir();

  void setHadoopConfDir(String value);

  @Description("YARN queue the application is submitted to.")
  @Default.String("default")
  String getYarnQueue();

  void setYarnQueue(String value);

  @Description("Memory (MB) of each container that runs tasks; its JVM heap gets 3/4 of it.")
  @Default.Integer(1024)
  int getContainerMemoryMb();

  void setContainerMemoryMb(int value);

  @Description("Virtual cores of each container that runs tasks.")
  @Default.Integer(1)
  int getContainerCores();

  void setContainerCores(int value);

  @Description("Memory (MB) of the ApplicationMaster's container.")
  @Default.Integer(512)
  int getAmMemoryMb();

  void setAmMemoryMb(int value);

  @Description("Virtual cores of the ApplicationMaster's container.")
  @Default.Integer(1)
  int getAmCores();

  void setAmCores(int value);

  @Description("Extra JVM options of the containers that run tasks, e.g. -XX:+UseG1GC.")
  String getContainerJvmOptions();

  void setContainerJvmOptions(String value);

  @Description(
      "Environment variables of the ApplicationMaster and the containers, as a JSON map, e.g."
          + " {\"TZ\":\"UTC\"}.")
  Map<String, String> getYarnEnvironment();

  void setYarnEnvironment(Map<String, String> value);

  @Description(
      "Classpath entries not shipped to the cluster, as comma-separated file-name prefixes (jars"
          + " only a client or a test needs).")
  @Default.String("hadoop-client-minicluster,surefire")
  String getYarnShipExcludes();

  void setYarnShipExcludes(String value);

  @Description("Milliseconds between two metrics reports of a container to the ApplicationMaster.")
  @Default.Long(2000)
  long getMetricsReportMs();

  void setMetricsReportMs(long value);
}
