package org.beamsamza.examples;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Runs {@link WordCount} end to end on a generated file and compares its output with counts
 * computed here independently (plain Java split, not the pipeline code).
 *
 * <p>The runner is {@code -Dwordcount.runner=...} (default SamzaRunner), e.g. {@code mvn test -pl
 * examples -Dwordcount.runner=DirectRunner}.
 */
@RunWith(JUnit4.class)
public class WordCountTest {

  static final String RUNNER = System.getProperty("wordcount.runner", "SamzaRunner");

  // Deliberately not WordCount.TOKENIZER_PATTERN: the expectation must not share code with the
  // pipeline.
  private static final String LETTER_RUNS_SEPARATOR = "[^\\p{L}]+";

  private static final String[] WORDS = {
    "the",
    "The",
    "THE",
    "beam",
    "Beam",
    "samza",
    "runner",
    "a",
    "I",
    "naïve",
    "straße",
    "Ärger",
    "日本語",
    "слово",
    "\uD835\uDC9Clpha" /* U+1D49C, a letter outside the BMP */,
    "x",
    "zebra",
    "don",
    "t",
    "well",
    "known"
  };
  private static final String[] SEPARATORS = {
    " ", " ", " ", ", ", ". ", "  ", "\t", "-", "--", " 42 ", "'", " (", ") ", "_", "3", " ¿", "!"
  };

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** Writes a deterministic file and returns it; lines end with '\n'. */
  static Path generateInput(Path file, int lines, long seed) throws IOException {
    Random random = new Random(seed);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < lines; i++) {
        int kind = random.nextInt(20);
        if (kind == 0) {
          out.write(""); // empty line
        } else if (kind == 1) {
          out.write(" 123 -- ... "); // no words at all
        } else {
          StringBuilder line = new StringBuilder();
          if (random.nextBoolean()) {
            line.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
          }
          int words = 1 + random.nextInt(15);
          for (int w = 0; w < words; w++) {
            if (w > 0) {
              line.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
            line.append(WORDS[random.nextInt(WORDS.length)]);
          }
          if (random.nextBoolean()) {
            line.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
          }
          out.write(line.toString());
        }
        out.write('\n');
      }
    }
    return file;
  }

  static Map<String, Long> countIndependently(Path file) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      for (String token : line.split(LETTER_RUNS_SEPARATOR)) {
        if (!token.isEmpty()) {
          counts.merge(token, 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  /** Every file whose name starts with the prefix's name, sorted by name. */
  static List<Path> outputFiles(Path prefix) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> dir =
        Files.newDirectoryStream(prefix.getParent(), prefix.getFileName() + "*")) {
      dir.forEach(files::add);
    }
    files.sort(null);
    return files;
  }

  /** Parses {@code word: count} lines from every file whose name starts with the prefix's name. */
  static Map<String, Long> readOutput(Path prefix) throws IOException {
    List<Path> files = outputFiles(prefix);
    assertTrue("no output file " + prefix + "*", !files.isEmpty());
    Map<String, Long> counts = new HashMap<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int sep = line.lastIndexOf(": ");
        assertTrue("malformed output line '" + line + "'", sep > 0);
        Long previous = counts.put(line.substring(0, sep), Long.parseLong(line.substring(sep + 2)));
        assertEquals("word output twice: " + line, null, previous);
      }
    }
    return counts;
  }

  /** Runs WordCount, checks the counts, returns the names of the output files. */
  private List<String> runAndCheck(int lines, long seed, String... extraArgs) throws Exception {
    Path input = generateInput(tmp.newFile("input.txt").toPath(), lines, seed);
    Path output = tmp.newFolder("out").toPath().resolve("counts");
    List<String> args = new ArrayList<>();
    args.add("--runner=" + RUNNER);
    args.add("--inputFile=" + input);
    args.add("--output=" + output);
    args.addAll(List.of(extraArgs));

    WordCount.main(args.toArray(new String[0]));

    Map<String, Long> expected = countIndependently(input);
    assertTrue("test input has too few distinct words", expected.size() >= 15);
    assertEquals(expected, readOutput(output));
    List<String> names = new ArrayList<>();
    outputFiles(output).forEach(f -> names.add(f.getFileName().toString()));
    return names;
  }

  /** Shard file names {@code counts-SSSSS-of-NNNNN}: returns N after checking S runs 0..N-1. */
  private static int checkShardNames(List<String> names) {
    Pattern shard = Pattern.compile("counts-(\\d{5})-of-(\\d{5})");
    assertFalse("no output file", names.isEmpty());
    int total = -1;
    for (int i = 0; i < names.size(); i++) {
      Matcher m = shard.matcher(names.get(i));
      assertTrue("not a shard file name: " + names.get(i) + " in " + names, m.matches());
      assertEquals("shard index of " + names.get(i), i, Integer.parseInt(m.group(1)));
      if (total < 0) {
        total = Integer.parseInt(m.group(2));
      }
      assertEquals("shard count in " + names.get(i), total, Integer.parseInt(m.group(2)));
    }
    assertEquals("one file per shard: " + names, total, names.size());
    return total;
  }

  @Test
  public void countsWordsInOneOutputFile() throws Exception {
    assertEquals(List.of("counts"), runAndCheck(3000, 42L));
  }

  @Test
  public void countsWordsWithRunnerChosenSharding() throws Exception {
    List<String> names = runAndCheck(1000, 7L, "--numShards=0");
    assertThat(checkShardNames(names), greaterThanOrEqualTo(1));
  }

  @Test
  public void countsWordsInTheRequestedNumberOfShards() throws Exception {
    List<String> names = runAndCheck(1000, 11L, "--numShards=3");
    assertEquals(3, checkShardNames(names));
  }

  @Test
  public void missingInputFileIsAClearError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WordCount.parseOptions(new String[] {"--runner=" + RUNNER, "--output=/tmp/x"}));
    assertThat(e.getMessage(), containsString("--inputFile"));
  }

  @Test
  public void nonexistentInputFileIsAClearError() throws IOException {
    String missing = tmp.getRoot().toPath().resolve("no-such-file.txt").toString();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WordCount.parseOptions(
                    new String[] {
                      "--runner=" + RUNNER, "--inputFile=" + missing, "--output=/tmp/x"
                    }));
    assertThat(e.getMessage(), containsString("does not exist"));
    assertThat(e.getMessage(), containsString(missing));
  }

  @Test
  public void directoryAsInputFileIsAClearError() throws IOException {
    String dir = tmp.newFolder("adir").toString();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WordCount.parseOptions(
                    new String[] {"--runner=" + RUNNER, "--inputFile=" + dir, "--output=/tmp/x"}));
    assertThat(e.getMessage(), containsString("--inputFile"));
  }
}
