package org.beamsamza.yarn.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * A container's main for tests: writes {@code <CONTAINER_ID env> <pid>} to the marker file named by
 * its one argument and exits 0, proving a container JVM ran with the staged classpath.
 */
public final class EchoContainerMain {

  private EchoContainerMain() {}

  public static void main(String[] args) throws Exception {
    Path marker = Paths.get(args[0]);
    String content = System.getenv("CONTAINER_ID") + " " + ProcessHandle.current().pid();
    // Written aside and moved, so a reader never sees a half-written marker.
    Path partial = marker.resolveSibling(marker.getFileName() + ".partial");
    Files.write(partial, content.getBytes(StandardCharsets.UTF_8));
    Files.move(partial, marker, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("wrote " + marker + ": " + content);
  }
}
