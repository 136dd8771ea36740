package org.beamsamza.yarn.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.beamsamza.yarn.client.ApplicationStaging;
import org.beamsamza.yarn.client.ClasspathEntries;
import org.beamsamza.yarn.client.LaunchCommands;
import org.beamsamza.yarn.client.StagedFiles;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A real application on a real (in-process) YARN cluster: this JVM's classpath is staged, an
 * ApplicationMaster ({@link EchoApplicationMaster}) runs from it and starts two containers ({@link
 * EchoContainerMain}) from the files it was given. Nothing of YARN is mocked: the containers are
 * JVMs the node managers launch.
 */
public class MiniYarnSmokeTest {

  private static final int AM_MEMORY_MB = 512;
  private static final int CONTAINER_MEMORY_MB = 256;

  /** Only guards a hang: the application normally ends in well under a minute. */
  private static final long APPLICATION_TIMEOUT_MS = 180_000;

  private static MiniYarn yarn;
  private static long startMillis;

  @BeforeClass
  public static void startCluster() throws Exception {
    long start = System.nanoTime();
    yarn = MiniYarn.start("MiniYarnSmokeTest");
    startMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("MEASURE mini cluster start: " + startMillis + " ms");
  }

  @AfterClass
  public static void stopCluster() {
    if (yarn != null) {
      long start = System.nanoTime();
      yarn.close();
      System.out.println(
          "MEASURE mini cluster stop: " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
  }

  /**
   * The test classpath minus what no container needs: the in-process cluster itself (40 MB) and the
   * Kafka broker's jars the tests of other modules use.
   */
  static final Predicate<Path> NOT_NEEDED_IN_CONTAINERS =
      entry -> {
        String name = entry.getFileName().toString();
        return name.startsWith("hadoop-client-minicluster")
            || name.startsWith("surefire")
            || name.startsWith("kafka_2.13")
            || name.startsWith("scala-")
            || name.startsWith("zookeeper")
            || name.startsWith("bc"); // bouncycastle: only the RM's web proxy CA needs it
      };

  @Test
  public void applicationMasterRunsTwoContainersFromTheStagedClasspath() throws Exception {
    Path markerDir = Files.createTempDirectory(Path.of("target"), "markers").toAbsolutePath();
    try (YarnClient client = YarnClient.createYarnClient()) {
      client.init(yarn.config());
      client.start();
      YarnClientApplication app = client.createApplication();
      ApplicationId id = app.getNewApplicationResponse().getApplicationId();

      ApplicationStaging staging =
          new ApplicationStaging(
              FileSystem.get(yarn.config()),
              new org.apache.hadoop.fs.Path(Path.of("target/staging").toAbsolutePath().toUri()),
              id.toString());
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (String name : List.of("core-site.xml", "yarn-site.xml")) {
        files.put(name, Files.readAllBytes(yarn.confDir().resolve(name)));
      }
      long stageStart = System.nanoTime();
      StagedFiles staged =
          staging.stage(ClasspathEntries.ofThisJvm(), files, NOT_NEEDED_IN_CONTAINERS);
      System.out.printf(
          "MEASURE staging: %d files, %.1f MB in %d ms%n",
          staged.localResources().size(),
          staged.totalBytes() / 1e6,
          (System.nanoTime() - stageStart) / 1_000_000);
      // target/test-classes (holding the echo mains) is a directory: it must have been packed.
      assertThat(
          "a packed class directory on the classpath: " + staged.classpath(),
          staged.classpath().stream()
              .anyMatch(n -> n.startsWith("dir-") && n.contains("test-classes")),
          is(true));

      ApplicationSubmissionContext context = app.getApplicationSubmissionContext();
      context.setApplicationName("echo");
      context.setQueue("default");
      context.setResource(Resource.newInstance(AM_MEMORY_MB, 1));
      context.setMaxAppAttempts(1);
      context.setAMContainerSpec(
          LaunchCommands.javaContainer(
              staged,
              AM_MEMORY_MB,
              List.of(),
              EchoApplicationMaster.class.getName(),
              List.of(
                  markerDir.toString(),
                  staged.dir().toString(),
                  "2",
                  Integer.toString(CONTAINER_MEMORY_MB)),
              Map.of()));
      long submitStart = System.nanoTime();
      client.submitApplication(context);
      ApplicationReport report = awaitTerminal(client, id);
      System.out.println(
          "MEASURE submit to finished: " + (System.nanoTime() - submitStart) / 1_000_000 + " ms");

      String diagnosis = report + "\n" + yarn.containerLogs(id);
      assertThat(diagnosis, report.getYarnApplicationState(), is(YarnApplicationState.FINISHED));
      assertThat(
          diagnosis, report.getFinalApplicationStatus(), is(FinalApplicationStatus.SUCCEEDED));
      System.out.println("tracking URL: " + report.getTrackingUrl());
      assertThat(report.getTrackingUrl(), containsString(":" + yarn.webAppPort() + "/"));
      // the logs helper finds the AM's and the containers' stdout
      String logs = yarn.containerLogs(id);
      assertThat(logs, containsString("unregistering, succeeded=true"));
      assertThat(logs, containsString("wrote " + markerDir.resolve("marker-1")));

      // Each marker: "<CONTAINER_ID> <pid>", written by a container of this application.
      Set<String> containerIds = new HashSet<>();
      Set<String> pids = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        Path marker = markerDir.resolve("marker-" + i);
        assertThat(diagnosis, Files.exists(marker), is(true));
        String[] parts = Files.readString(marker, StandardCharsets.UTF_8).split(" ");
        String appSuffix = id.toString().substring("application_".length());
        assertThat(parts[0], startsWith("container_" + appSuffix));
        containerIds.add(parts[0]);
        pids.add(parts[1]);
      }
      assertThat("two distinct containers", containerIds.size(), is(2));
      assertThat("two distinct processes", pids.size(), is(2));
      assertThat(pids.contains(Long.toString(ProcessHandle.current().pid())), is(false));
      assertThat(staging.delete(), is(true));
    }
  }

  private static ApplicationReport awaitTerminal(YarnClient client, ApplicationId id)
      throws Exception {
    Set<YarnApplicationState> terminal =
        EnumSet.of(
            YarnApplicationState.FINISHED,
            YarnApplicationState.FAILED,
            YarnApplicationState.KILLED);
    long deadline = System.currentTimeMillis() + APPLICATION_TIMEOUT_MS;
    List<YarnApplicationState> seen = new ArrayList<>();
    while (true) {
      ApplicationReport report = client.getApplicationReport(id);
      YarnApplicationState state = report.getYarnApplicationState();
      if (seen.isEmpty() || seen.get(seen.size() - 1) != state) {
        seen.add(state);
      }
      if (terminal.contains(state)) {
        System.out.println("states: " + seen);
        return report;
      }
      if (System.currentTimeMillis() > deadline) {
        client.killApplication(id);
        throw new AssertionError(
            "not terminal after "
                + APPLICATION_TIMEOUT_MS
                + " ms, states "
                + seen
                + "\n"
                + report
                + "\n"
                + yarn.containerLogs(id));
      }
      Thread.sleep(200);
    }
  }
}
