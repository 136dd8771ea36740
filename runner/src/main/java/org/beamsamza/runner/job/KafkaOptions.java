package org.beamsamza.runner.job;

import java.util.LinkedHashMap;
import java.util.Map;
import org.beamsamza.runner.SamzaPipelineOptions;

/** Checks of {@code --system} and the Kafka options, with messages naming the option. */
public final class KafkaOptions {
  private KafkaOptions() {}

  public static void validate(SamzaPipelineOptions options) {
    String system = options.getSystem();
    if (!JobStreams.INMEMORY.equals(system) && !JobStreams.KAFKA.equals(system)) {
      throw new IllegalArgumentException(
          "--system must be "
              + JobStreams.INMEMORY
              + " or "
              + JobStreams.KAFKA
              + ", was '"
              + system
              + "'");
    }
    String jobId = options.getJobId();
    if (jobId == null || !jobId.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException(
          "--jobId must be 1 to 100 letters, digits, '.', '_' or '-' (it names Kafka topics), was '"
              + jobId
              + "'");
    }
    parseConfig(options.getKafkaConfig());
    Integer replication = options.getKafkaReplicationFactor();
    if (replication != null && (replication < 1 || replication > Short.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "--kafkaReplicationFactor must be at least 1, was " + replication);
    }
    if (JobStreams.KAFKA.equals(system)) {
      String servers = options.getKafkaBootstrapServers();
      if (servers == null || servers.isBlank()) {
        throw new IllegalArgumentException(
            "--system=kafka needs --kafkaBootstrapServers (host:port,... of the Kafka brokers)");
      }
    }
  }

  /**
   * {@code key=value,key=value} into a map; a value may contain '=' but not ','. The message of a
   * malformed entry names the option and the key, never the value (it may be a secret).
   */
  public static Map<String, String> parseConfig(String kafkaConfig) {
    Map<String, String> config = new LinkedHashMap<>();
    if (kafkaConfig == null || kafkaConfig.isBlank()) {
      return config;
    }
    for (String entry : kafkaConfig.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry.trim() : entry.substring(0, eq).trim();
      if (eq <= 0 || key.isEmpty()) {
        throw new IllegalArgumentException(
            "--kafkaConfig must be key=value pairs separated by commas; entry '"
                + (eq < 0 ? key : "=...")
                + "' has no key=value form");
      }
      config.put(key, entry.substring(eq + 1).trim());
    }
    return config;
  }
}
