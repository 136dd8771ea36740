package org.beamsamza.runner.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.beamsamza.kafka.KafkaClientConfig;
import org.beamsamza.runner.job.JobStreams;
import org.beamsamza.runtime.config.Config;
import org.beamsamza.translation.PipelineTranslator;
import picocli.CommandLine.Option;

/** Where the job's checkpoints are: cluster, client settings, job name and id. */
final class JobOptions {
  @Option(
      names = "--bootstrap-servers",
      required = true,
      paramLabel = "HOST:PORT,...",
      description = "Kafka brokers of the job's cluster (its --kafkaBootstrapServers).")
  String bootstrapServers;

  @Option(
      names = "--job-name",
      required = true,
      description =
          "The job's --jobName (characters other than letters, digits, '.', '_' and '-' become"
              + " '-', as the runner names its topics).")
  String jobName;

  @Option(
      names = "--job-id",
      required = true,
      description = "The job's --jobId. With --job-name it names the checkpoint topic.")
  String jobId;

  @Option(
      names = "--kafka-config",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client setting (repeatable), e.g. security.protocol=SASL_SSL; values are"
              + " never printed.")
  Map<String, String> kafkaConfig = new LinkedHashMap<>();

  @Option(
      names = "--kafka-config-file",
      paramLabel = "FILE",
      description =
          "Kafka client settings in a properties file (as kafka-*.sh --command-config), applied"
              + " before --kafka-config.")
  Path kafkaConfigFile;

  @Option(
      names = "--timeout-ms",
      defaultValue = "30000",
      description = "How long a Kafka request may take (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  String topic() {
    return JobStreams.checkpointTopic(jobId, PipelineTranslator.sanitize(jobName));
  }

  /** The runtime config of the Kafka system the job used, as {@code JobStreams} builds it. */
  Config config() {
    Map<String, String> config = new HashMap<>();
    String prefix = "systems." + CheckpointTool.KAFKA + ".";
    config.put(prefix + KafkaClientConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    config.put(prefix + "admin.timeout.ms", Long.toString(timeoutMs));
    config.put(prefix + "kafka." + AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "" + timeoutMs);
    // Kafka requires request.timeout.ms <= default.api.timeout.ms (30 s by default).
    config.put(
        prefix + "kafka." + AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        "" + Math.min(timeoutMs, 30_000));
    if (kafkaConfigFile != null) {
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(kafkaConfigFile)) {
        props.load(in);
      } catch (NoSuchFileException e) {
        throw new ToolException("--kafka-config-file " + kafkaConfigFile + " does not exist");
      } catch (IOException e) {
        throw new ToolException("--kafka-config-file " + kafkaConfigFile + ": cannot read: " + e);
      }
      props
          .stringPropertyNames()
          .forEach(k -> config.put(prefix + "kafka." + k, props.getProperty(k).trim()));
    }
    kafkaConfig.forEach((k, v) -> config.put(prefix + "kafka." + k.trim(), v.trim()));
    return new Config(config);
  }
}
