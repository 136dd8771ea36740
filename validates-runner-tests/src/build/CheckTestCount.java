import java.io.File;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fails the build when a surefire execution ran fewer tests than it must (a category, include or
 * configuration mistake that silently selects nothing would otherwise pass). Run by the
 * exec-maven-plugin after surefire as a single-file source program (java CheckTestCount.java ...),
 * so it needs no compilation and no dependency.
 *
 * <p>Arguments: the execution's name, its reports directory, the minimum number of tests that
 * must have run (tests minus skipped, summed over the TEST-*.xml files), and the build's start
 * time (ISO-8601 UTC): only report files written by this build count, so stale reports of an
 * earlier run in the same directory cannot make up for a run that ran nothing; and whether
 * {@code maven.test.skip} is set (then nothing ran on purpose and nothing is checked).
 */
public class CheckTestCount {
  private static final Pattern SUITE =
      Pattern.compile("<testsuite\\b[^>]*>", Pattern.DOTALL);

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException(
          "usage: CheckTestCount NAME REPORTS_DIR MIN START_TIME MAVEN_TEST_SKIP");
    }
    if (Boolean.parseBoolean(args[4])) {
      System.out.println("[CheckTestCount] " + args[0] + ": skipped (maven.test.skip)");
      return;
    }
    String name = args[0];
    File dir = new File(args[1]);
    long min = Long.parseLong(args[2]);
    // Second precision in the timestamp, so allow its truncation.
    long since = Instant.parse(args[3]).toEpochMilli() - 1_000;
    long run = 0;
    long skipped = 0;
    int files = 0;
    File[] reports = dir.listFiles((d, f) -> f.startsWith("TEST-") && f.endsWith(".xml"));
    if (reports != null) {
      for (File f : reports) {
        if (f.lastModified() < since) {
          continue; // an earlier build's report
        }
        files++;
        Matcher m = SUITE.matcher(new String(java.nio.file.Files.readAllBytes(f.toPath()), "UTF-8"));
        if (!m.find()) {
          throw new IllegalStateException("no <testsuite> element in " + f);
        }
        long tests = attribute(m.group(), "tests", f);
        long skip = attribute(m.group(), "skipped", f);
        run += tests - skip;
        skipped += skip;
      }
    }
    String summary =
        String.format(
            "%s: %d tests ran (%d skipped) in %d report files of this build in %s; minimum %d",
            name, run, skipped, files, dir, min);
    if (run < min) {
      System.err.println("[CheckTestCount] FAILED " + summary);
      System.err.println(
          "[CheckTestCount] A narrower selection (-Dvr.include, -Dtest) needs a lower"
              + " -Dvr.minTests / -Dvr.changelog.minTests.");
      System.exit(1);
    }
    System.out.println("[CheckTestCount] " + summary);
  }

  private static long attribute(String element, String attr, File f) {
    Matcher m = Pattern.compile("\\s" + attr + "=\"(\\d+)\"").matcher(element);
    if (!m.find()) {
      throw new IllegalStateException("no " + attr + " attribute in " + f + ": " + element);
    }
    return Long.parseLong(m.group(1));
  }
}
