package org.beamsamza.runtime.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Immutable string-to-string configuration, as in Samza. Typed getters fail loudly with the key
 * name when a value does not parse, so that a bad option is reported where it was set.
 */
public final class Config {
  public static final String TASK_WINDOW_MS = "task.window.ms";
  public static final String TASK_COMMIT_MS = "task.commit.ms";
  public static final String JOB_CONTAINER_COUNT = "job.container.count";

  private final Map<String, String> values;

  public Config(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new HashMap<>(values));
  }

  public static Config empty() {
    return new Config(Map.of());
  }

  public String get(String key) {
    return values.get(key);
  }

  public String get(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  public long getLong(String key, long defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Config " + key + "=" + v + " is not a whole number", e);
    }
  }

  public int getInt(String key, int defaultValue) {
    long v = getLong(key, defaultValue);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Config " + key + "=" + v + " is out of int range");
    }
    return (int) v;
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    String v = values.get(key);
    return v == null ? defaultValue : Boolean.parseBoolean(v.trim());
  }

  /** Returns a new config with {@code overrides} applied on top of this one. */
  public Config with(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(overrides);
    return new Config(merged);
  }

  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return "Config" + values;
  }
}
