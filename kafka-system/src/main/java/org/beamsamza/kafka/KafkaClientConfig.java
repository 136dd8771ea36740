package org.beamsamza.kafka;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.beamsamza.runtime.config.Config;

/**
 * Kafka client settings of one system, read from the runtime {@link Config} (Samza's conventions):
 *
 * <ul>
 *   <li>{@code systems.<name>.bootstrap.servers}: the brokers (also accepted as {@code
 *       systems.<name>.kafka.bootstrap.servers});
 *   <li>{@code systems.<name>.kafka.<key>}: any Kafka client setting, for every client of the
 *       system (security settings such as {@code security.protocol}, {@code sasl.jaas.config},
 *       {@code ssl.truststore.location} included);
 *   <li>{@code systems.<name>.consumer.<key>}, {@code systems.<name>.producer.<key>}, {@code
 *       systems.<name>.admin.<key>}: settings for one kind of client only, applied last.
 * </ul>
 *
 * Secret values are never logged: {@link #redact} masks them.
 */
public final class KafkaClientConfig {
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  private final String systemName;
  private final Config config;

  public KafkaClientConfig(String systemName, Config config) {
    this.systemName = systemName;
    this.config = config;
  }

  public String systemName() {
    return systemName;
  }

  public Config config() {
    return config;
  }

  /** {@code systems.<name>.<suffix>}. */
  public String key(String suffix) {
    return "systems." + systemName + "." + suffix;
  }

  public Map<String, Object> common() {
    Map<String, Object> props = new HashMap<>();
    String servers = config.get(key(BOOTSTRAP_SERVERS));
    if (servers != null) {
      props.put(BOOTSTRAP_SERVERS, servers);
    }
    props.putAll(withPrefix(key("kafka.")));
    if (!props.containsKey(BOOTSTRAP_SERVERS)) {
      throw new IllegalArgumentException(
          "Kafka system "
              + systemName
              + " has no brokers: set "
              + key(BOOTSTRAP_SERVERS)
              + " (or "
              + key("kafka." + BOOTSTRAP_SERVERS)
              + ")");
    }
    return props;
  }

  /** Settings for one kind of client: defaults, then common settings, then client-specific ones. */
  public Map<String, Object> forClient(String kind, Map<String, Object> defaults) {
    Map<String, Object> props = new HashMap<>(defaults);
    props.putAll(common());
    props.putAll(withPrefix(key(kind + ".")));
    return props;
  }

  private Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }

  /** Whether a setting's value is a secret (passwords, JAAS configs, keys). */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("secret")
        || k.endsWith(".key")
        || k.contains("credentials")
        || k.contains("token");
  }

  /** A copy safe to log: secret values replaced by {@code [hidden]}, sorted by key. */
  public static Map<String, Object> redact(Map<String, ?> props) {
    Map<String, Object> out = new TreeMap<>();
    props.forEach((k, v) -> out.put(k, isSecret(k) ? "[hidden]" : v));
    return out;
  }
}
