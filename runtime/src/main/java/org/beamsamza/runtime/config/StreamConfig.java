package org.beamsamza.runtime.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.beamsamza.runtime.system.SystemStream;

/**
 * Per-stream input settings, under Samza's keys: {@code
 * systems.<system>.streams.<stream>.samza.<setting>}, falling back to {@code
 * systems.<system>.default.stream.samza.<setting>}.
 *
 * <ul>
 *   <li>{@value #RESET_OFFSET} ({@code true}/{@code false}, default false): ignore the checkpoint
 *       and start from {@value #OFFSET_DEFAULT} on every start. For streams that must be read whole
 *       each time (a side input's broadcast stream: what the task built from it lives on the heap).
 *       Such streams are never trimmed.
 *   <li>{@value #OFFSET_DEFAULT} ({@code oldest} / {@code upcoming}, default oldest): where a
 *       partition without a checkpoint (or with a reset one) starts.
 *   <li>{@value #BOOTSTRAP} ({@code true}/{@code false}, default false): read every partition of
 *       the stream up to its newest offset as of the container's start before any message of a
 *       non-bootstrap stream is processed.
 *   <li>{@value #PRIORITY} (an int, default 0): when several partitions have a message, one of the
 *       highest priority goes first.
 * </ul>
 *
 * Values that do not parse fail with the key, so that a misspelt {@code ture} is not read as false.
 */
public final class StreamConfig {
  public static final String RESET_OFFSET = "samza.reset.offset";
  public static final String OFFSET_DEFAULT = "samza.offset.default";
  public static final String BOOTSTRAP = "samza.bootstrap";
  public static final String PRIORITY = "samza.priority";

  /** Where a partition with no usable checkpoint starts. */
  public enum OffsetDefault {
    /** The oldest message still retained. */
    OLDEST,
    /** The first message written after the container started. */
    UPCOMING
  }

  private final Config config;

  public StreamConfig(Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The key of {@code setting} (e.g. {@value #BOOTSTRAP}) for {@code stream}. */
  public static String key(SystemStream stream, String setting) {
    return "systems." + stream.getSystem() + ".streams." + stream.getStream() + "." + setting;
  }

  /** The key of {@code setting} for every stream of {@code system} that does not set its own. */
  public static String defaultKey(String system, String setting) {
    return "systems." + system + ".default.stream." + setting;
  }

  /**
   * Parses every per-stream setting present, so that a bad value fails when the job is submitted,
   * naming its key, rather than in a container.
   */
  public void validate() {
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("systems.")) {
        continue;
      }
      for (String setting : List.of(RESET_OFFSET, OFFSET_DEFAULT, BOOTSTRAP, PRIORITY)) {
        if (key.endsWith("." + setting)) {
          Setting s = new Setting(key, e.getValue());
          switch (setting) {
            case OFFSET_DEFAULT -> parseOffsetDefault(s);
            case PRIORITY -> parsePriority(s);
            default -> parseBoolean(s);
          }
        }
      }
    }
  }

  public boolean resetOffset(SystemStream stream) {
    return bool(stream, RESET_OFFSET);
  }

  public boolean isBootstrap(SystemStream stream) {
    return bool(stream, BOOTSTRAP);
  }

  public OffsetDefault offsetDefault(SystemStream stream) {
    Setting s = lookup(stream, OFFSET_DEFAULT);
    return s == null ? OffsetDefault.OLDEST : parseOffsetDefault(s);
  }

  private static OffsetDefault parseOffsetDefault(Setting s) {
    try {
      return OffsetDefault.valueOf(s.value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Config " + s.key + "=" + s.value + " must be 'oldest' or 'upcoming'", e);
    }
  }

  public int priority(SystemStream stream) {
    Setting s = lookup(stream, PRIORITY);
    return s == null ? 0 : parsePriority(s);
  }

  private static int parsePriority(Setting s) {
    try {
      return Integer.parseInt(s.value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Config " + s.key + "=" + s.value + " is not a whole number", e);
    }
  }

  private boolean bool(SystemStream stream, String setting) {
    Setting s = lookup(stream, setting);
    return s != null && parseBoolean(s);
  }

  private static boolean parseBoolean(Setting s) {
    String v = s.value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "Config " + s.key + "=" + s.value + " must be 'true' or 'false'");
    }
    return v.equals("true");
  }

  private Setting lookup(SystemStream stream, String setting) {
    String k = key(stream, setting);
    String v = config.get(k);
    if (v != null) {
      return new Setting(k, v);
    }
    k = defaultKey(stream.getSystem(), setting);
    v = config.get(k);
    return v == null ? null : new Setting(k, v);
  }

  private record Setting(String key, String value) {}
}
