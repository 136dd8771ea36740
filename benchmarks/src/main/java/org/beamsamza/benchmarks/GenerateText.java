package org.beamsamza.benchmarks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a deterministic text file for WordCount benchmarks: lines of 8 to 12 words (10 on average)
 * drawn from a vocabulary of {@code --vocabulary} (default 50,000) distinct lowercase ASCII words
 * with a Zipf distribution (rank r has weight 1/r^{@code --zipfExponent}, default 1.0), separated
 * by spaces, with an occasional comma or period after a word.
 *
 * <pre>
 *   GenerateText --output=/tmp/text-100mb.txt [--sizeMb=100] [--seed=42] [--vocabulary=50000] [--zipfExponent=1.0]
 * </pre>
 *
 * <p>The file is {@code --sizeMb} MB (2^20 bytes) rounded up to the end of the last line. The same
 * arguments always produce the same bytes. Roughly 100 MB/s on one core.
 */
public final class GenerateText {

  private GenerateText() {}

  /** Generates the file; returns {lines, words, bytes}. */
  public static long[] generate(
      Path output, long sizeMb, long seed, int vocabularySize, double zipfExponent)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] vocabulary = vocabulary(vocabularySize, random);

    // Cumulative Zipf weights, normalised to [0, 1]; sampling is a binary search.
    double[] cumulative = new double[vocabularySize];
    double total = 0;
    for (int rank = 0; rank < vocabularySize; rank++) {
      total += 1.0 / Math.pow(rank + 1, zipfExponent);
      cumulative[rank] = total;
    }
    for (int i = 0; i < vocabularySize; i++) {
      cumulative[i] /= total;
    }

    long targetBytes = sizeMb << 20;
    long bytes = 0;
    long lines = 0;
    long words = 0;
    byte[] line = new byte[4096];
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 20)) {
      while (bytes < targetBytes) {
        int len = 0;
        int wordsInLine = 8 + random.nextInt(5);
        for (int w = 0; w < wordsInLine; w++) {
          if (w > 0) {
            line[len++] = ' ';
          }
          int index = Arrays.binarySearch(cumulative, random.nextDouble());
          byte[] word = vocabulary[Math.min(index < 0 ? -index - 1 : index, vocabularySize - 1)];
          System.arraycopy(word, 0, line, len, word.length);
          len += word.length;
          int punctuation = random.nextInt(40);
          if (punctuation == 0) {
            line[len++] = ',';
          } else if (punctuation == 1 && w == wordsInLine - 1) {
            line[len++] = '.';
          }
        }
        line[len++] = '\n';
        out.write(line, 0, len);
        bytes += len;
        lines++;
        words += wordsInLine;
      }
    }
    return new long[] {lines, words, bytes};
  }

  /** Distinct lowercase words, 2 to 12 letters, shorter ones more likely. */
  static byte[][] vocabulary(int size, SplittableRandom random) {
    Set<String> seen = new HashSet<>(size * 2);
    byte[][] words = new byte[size][];
    int n = 0;
    StringBuilder sb = new StringBuilder();
    while (n < size) {
      sb.setLength(0);
      int length = 2 + Math.min(random.nextInt(6) + random.nextInt(6), 10);
      for (int i = 0; i < length; i++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      String word = sb.toString();
      if (seen.add(word)) {
        words[n++] = word.getBytes(StandardCharsets.US_ASCII);
      }
    }
    return words;
  }

  public static void main(String[] args) throws IOException {
    String output = null;
    long sizeMb = 100;
    long seed = 42;
    int vocabulary = 50_000;
    double exponent = 1.0;
    for (String arg : args) {
      String[] kv = arg.startsWith("--") ? arg.substring(2).split("=", 2) : new String[] {arg};
      if (kv.length != 2) {
        System.err.println(
            "usage: GenerateText --output=PATH [--sizeMb=100] [--seed=42] [--vocabulary=50000]"
                + " [--zipfExponent=1.0]");
        System.exit(2);
      }
      switch (kv[0]) {
        case "output" -> output = kv[1];
        case "sizeMb" -> sizeMb = Long.parseLong(kv[1]);
        case "seed" -> seed = Long.parseLong(kv[1]);
        case "vocabulary" -> vocabulary = Integer.parseInt(kv[1]);
        case "zipfExponent" -> exponent = Double.parseDouble(kv[1]);
        default -> {
          System.err.println("GenerateText: unknown option --" + kv[0]);
          System.exit(2);
        }
      }
    }
    if (output == null) {
      System.err.println("GenerateText: missing --output=PATH");
      System.exit(2);
    }
    long start = System.nanoTime();
    long[] stats = generate(Paths.get(output), sizeMb, seed, vocabulary, exponent);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "GenerateText: wrote %s: %d bytes, %d lines, %d words (vocabulary %d, zipf %.2f, seed %d) in %.1f s%n",
        output,
        stats[2],
        stats[0],
        stats[1],
        vocabulary,
        exponent,
        seed,
        seconds);
  }
}
