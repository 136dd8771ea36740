package org.beamsamza.yarn.client;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.beamsamza.runner.job.KafkaOptions;
import org.beamsamza.yarn.SamzaYarnOptions;

/**
 * Checks, before anything is submitted, that the Kafka cluster the job's containers will use
 * answers: a wrong {@code --kafkaBootstrapServers} fails {@code run()} within seconds, naming the
 * option, instead of failing every container on the cluster a minute later.
 */
final class KafkaReachability {
  static final long TIMEOUT_MS = 15_000;

  private KafkaReachability() {}

  static void check(SamzaYarnOptions options) {
    Map<String, Object> config = new HashMap<>(KafkaOptions.parseConfig(options.getKafkaConfig()));
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.getKafkaBootstrapServers());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
    try (Admin admin = Admin.create(config)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT_MS))
          .clusterId()
          .get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalArgumentException(
          "--kafkaBootstrapServers="
              + options.getKafkaBootstrapServers()
              + ": no Kafka broker answered within "
              + TIMEOUT_MS / 1000
              + " s ("
              + cause
              + ")",
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while checking the Kafka cluster", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalArgumentException(
          "--kafkaBootstrapServers=" + options.getKafkaBootstrapServers() + ": " + e.getMessage(),
          e);
    }
  }
}
