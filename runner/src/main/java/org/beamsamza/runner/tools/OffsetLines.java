package org.beamsamza.runner.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.beamsamza.runtime.system.SystemStreamPartition;
import org.beamsamza.runtime.task.TaskName;

/**
 * Offsets in Samza's checkpoint-tool format, one per line: {@code
 * tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>} ({@code #} starts a
 * comment), read from a file and from command-line arguments.
 */
final class OffsetLines {
  /** One requested offset and where it came from (for messages). */
  record Entry(String origin, TaskName task, SystemStreamPartition ssp, String offset) {}

  private OffsetLines() {}

  /** The offsets of {@code file} (may be null) and then of {@code args}; no key set twice. */
  static List<Entry> read(Path file, List<String> offsets) {
    List<Entry> entries = new ArrayList<>();
    if (file != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new ToolException("--file " + file + " does not exist");
      } catch (IOException e) {
        throw new ToolException("--file " + file + ": cannot read: " + e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        entries.add(parseEntry(file + " line " + (i + 1), line));
      }
    }
    for (int i = 0; i < offsets.size(); i++) {
      entries.add(parseEntry("argument " + (i + 1), offsets.get(i).trim()));
    }
    Map<String, String> seen = new HashMap<>();
    for (Entry e : entries) {
      String previous = seen.put(LoadedCheckpoints.key(e.task(), e.ssp()), e.origin());
      if (previous != null) {
        throw new ToolException(
            e.origin()
                + " sets "
                + LoadedCheckpoints.key(e.task(), e.ssp())
                + " again (first set by "
                + previous
                + ")");
      }
    }
    return entries;
  }

  private static Entry parseEntry(String origin, String line) {
    int eq = line.indexOf('=');
    String k = eq < 0 ? line : line.substring(0, eq).trim();
    String value = eq < 0 ? "" : line.substring(eq + 1).trim();
    Matcher m = CheckpointTool.KEY.matcher(k);
    if (eq < 0 || !m.matches() || value.isEmpty()) {
      throw new ToolException(
          origin
              + ": '"
              + (k.length() > 200 ? k.substring(0, 200) + "..." : k)
              + "' is not"
              + " tasknames.<task>.systems.<system>.streams.<stream>.partitions.<n>=<offset>"
              + (eq >= 0 && m.matches() ? " (the offset is empty)" : ""));
    }
    int partition;
    try {
      partition = Integer.parseInt(m.group(4));
    } catch (NumberFormatException e) {
      throw new ToolException(origin + ": partition " + m.group(4) + " is not a partition number");
    }
    return new Entry(
        origin,
        new TaskName(m.group(1)),
        new SystemStreamPartition(m.group(2), m.group(3), partition),
        value);
  }
}
