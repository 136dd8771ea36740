package org.beamsamza.examples;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** Runs {@link WindowedWordCount} and checks it against counts computed here with java.time. */
@RunWith(JUnit4.class)
public class WindowedWordCountTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void countsWordsPerFixedWindow() throws Exception {
    Path input = WordCountTest.generateInput(tmp.newFile("input.txt").toPath(), 500, 11L);
    Path output = tmp.newFolder("out").toPath().resolve("windowed");
    Instant epoch = Instant.parse("2024-01-01T00:00:00Z");
    long secondsPerLine = 2;
    long windowSeconds = 60;

    WindowedWordCount.main(
        new String[] {
          "--runner=" + WordCountTest.RUNNER,
          "--inputFile=" + input,
          "--output=" + output,
          "--windowSizeMinutes=1",
          "--epoch=" + epoch,
          "--secondsPerLine=" + secondsPerLine
        });

    // Line i happens at epoch + i * 2 s, so a window of 60 s holds lines [30k, 30k + 30).
    Map<String, Long> expected = new HashMap<>();
    List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      long windowStart = (i * secondsPerLine) / windowSeconds * windowSeconds;
      for (String token : lines.get(i).split("[^\\p{L}]+")) {
        if (!token.isEmpty()) {
          expected.merge(epoch.plusSeconds(windowStart) + " " + token, 1L, Long::sum);
        }
      }
    }

    Map<String, Long> actual = new HashMap<>();
    for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      String[] parts = line.split(" ");
      assertEquals("malformed line '" + line + "'", 3, parts.length);
      // Normalise the window start through java.time (the pipeline prints Joda's format).
      String key = Instant.parse(parts[0]) + " " + parts[1];
      assertEquals("duplicate " + line, null, actual.put(key, Long.parseLong(parts[2])));
    }
    assertEquals(expected, actual);
  }
}
