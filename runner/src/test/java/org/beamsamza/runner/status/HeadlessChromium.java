package org.beamsamza.runner.status;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, as the status page tests drive it (local and on YARN): with the
 * flags that keep it off this machine's closed network, a fresh profile per run, and ten seconds of
 * virtual time for the page's script to fetch and draw.
 */
public final class HeadlessChromium {
  public static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

  private final Path workDir;
  private final long deadlineMs;

  /**
   * @param workDir a directory for profiles and output (a test's temporary folder)
   * @param deadlineMs how long one run may take before it counts as hung
   */
  public HeadlessChromium(Path workDir, long deadlineMs) {
    this.workDir = workDir;
    this.deadlineMs = deadlineMs;
  }

  /** Fails (never skips) when Chromium is missing, saying who installs it. */
  public static void requireInstalled() {
    assertTrue(
        "Chromium is needed at "
            + CHROMIUM
            + " for this test; .ci/run installs it (apt-get install -y chromium)",
        Files.isExecutable(CHROMIUM));
  }

  /** The page's DOM after its script ran. */
  public String dumpDom(URI page) throws Exception {
    return run(page, "--dump-dom");
  }

  /** Writes a PNG of the page at {@code width} x {@code height}. */
  public void screenshot(URI page, Path png, int width, int height) throws Exception {
    run(page, "--screenshot=" + png, "--window-size=" + width + "," + height);
  }

  /** Runs Chromium on {@code page} with {@code extra} arguments; returns its standard output. */
  private String run(URI page, String... extra) throws Exception {
    Path profile = Files.createTempDirectory(workDir, "chromium-profile");
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=10000"));
    command.addAll(Arrays.asList(extra));
    command.add(page.toString());
    Path out = Files.createTempFile(workDir, "chromium", ".out");
    Path err = Files.createTempFile(workDir, "chromium", ".err");
    Process chromium =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!chromium.waitFor(deadlineMs, TimeUnit.MILLISECONDS)) {
      chromium.destroyForcibly();
      fail("Chromium did not finish within " + deadlineMs + " ms: " + command);
    }
    assertEquals(
        "Chromium failed: " + command + "\n" + Files.readString(err), 0, chromium.exitValue());
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
