package org.beamsamza.benchmarks;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class GenerateTextAndWordCountBenchmarkTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void generatedTextIsDeterministicAndSized() throws Exception {
    Path a = tmp.getRoot().toPath().resolve("a.txt");
    Path b = tmp.getRoot().toPath().resolve("b.txt");
    long[] statsA = GenerateText.generate(a, 1, 7, 1000, 1.0);
    long[] statsB = GenerateText.generate(b, 1, 7, 1000, 1.0);
    assertArrayEquals(statsA, statsB);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertTrue(Files.size(a) >= 1 << 20 && Files.size(a) < (1 << 20) + 200);
    assertEquals(statsA[2], Files.size(a));
    long[] scanned = WordCountBenchmark.scan(a);
    assertEquals(statsA[2], scanned[0]);
    assertEquals(statsA[0], scanned[1]);
    assertEquals(statsA[1], scanned[2]);
    double wordsPerLine = statsA[1] / (double) statsA[0];
    assertTrue("words per line " + wordsPerLine, wordsPerLine > 9.5 && wordsPerLine < 10.5);
  }

  @Test
  public void outputComparison() {
    assertNull(
        WordCountBenchmark.firstDifference(List.of("a: 1", "b: 2"), List.of("a: 1", "b: 2")));
    assertNotNull(
        WordCountBenchmark.firstDifference(List.of("a: 1", "b: 2"), List.of("a: 1", "b: 3")));
    assertNotNull(WordCountBenchmark.firstDifference(List.of("a: 1"), List.of("a: 1", "b: 3")));
    assertEquals(5, WordCountBenchmark.sumOfCounts(List.of("a: 2", "b: 3")));
  }
}
