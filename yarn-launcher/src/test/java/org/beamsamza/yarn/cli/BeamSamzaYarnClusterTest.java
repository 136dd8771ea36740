package org.beamsamza.yarn.cli;

import static org.beamsamza.yarn.cli.BeamSamzaYarnTest.execute;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.beamsamza.yarn.cli.BeamSamzaYarnTest.Result;
import org.beamsamza.yarn.testing.MiniYarn;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** {@code status} and {@code kill} against a real (in-process) YARN cluster. */
public class BeamSamzaYarnClusterTest {
  /** An id the cluster never issued. */
  private static final String UNKNOWN_ID = "application_1234567890123_0042";

  private static MiniYarn yarn;
  private static String confDir;

  @BeforeClass
  public static void startCluster() throws Exception {
    yarn = MiniYarn.builder("BeamSamzaYarnClusterTest").nodeManagers(1).start();
    confDir = yarn.confDir().toString();
  }

  @AfterClass
  public static void stopCluster() {
    if (yarn != null) {
      yarn.close();
    }
  }

  @Test
  public void statusOfAnUnknownApplicationIsOneLineNamingIt() {
    Result r = execute("status", "--hadoop-conf-dir", confDir, UNKNOWN_ID);
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(r.err(), containsString("no application " + UNKNOWN_ID));
    assertThat(r.toString(), r.err().strip().lines().count(), is(1L));
    assertThat(r.out(), is(""));
  }

  @Test
  public void killOfAnUnknownApplicationIsOneLineNamingIt() {
    Result r = execute("kill", "--hadoop-conf-dir=" + confDir, UNKNOWN_ID);
    assertThat(r.toString(), r.code(), is(BeamSamzaYarn.FAILED));
    assertThat(r.err(), containsString("no application " + UNKNOWN_ID));
    assertThat(r.toString(), r.err().strip().lines().count(), is(1L));
  }

  /**
   * A real application (its AM a plain {@code sleep}, never registering: it stays ACCEPTED) is
   * killed by {@code kill}, then {@code status} reports it KILLED; it is not a SamzaRunner job, so
   * its job status and counters are empty.
   */
  @Test
  public void killEndsARunningApplicationAndStatusReportsIt() throws Exception {
    ApplicationId id = submitSleepingApplication();
    try (YarnClient client = YarnClient.createYarnClient()) {
      client.init(yarn.config());
      client.start();

      Result killed = execute("kill", "--hadoop-conf-dir", confDir, id.toString());
      assertThat(killed.toString(), killed.code(), is(BeamSamzaYarn.OK));
      assertThat(killed.out(), containsString(id + " KILLED (final status KILLED)"));
      assertThat(
          client.getApplicationReport(id).getYarnApplicationState(),
          is(YarnApplicationState.KILLED));

      Result again = execute("kill", "--hadoop-conf-dir", confDir, id.toString());
      assertThat(again.toString(), again.code(), is(BeamSamzaYarn.OK));
      assertThat(again.out(), containsString(id + " had already ended: KILLED"));

      Result text = execute("status", "--hadoop-conf-dir", confDir, id.toString());
      assertThat(text.toString(), text.code(), is(BeamSamzaYarn.OK));
      assertThat(
          text.out(),
          allOf(
              containsString("application:  " + id),
              containsString("name:         cli-sleeper"),
              containsString("queue:        root.default"),
              containsString("state:        KILLED (final status KILLED, pipeline CANCELLED)"),
              containsString("job:          no status (yet)"),
              containsString("counters: none reported")));

      Result json = execute("status", "--json", "--hadoop-conf-dir", confDir, id.toString());
      assertThat(json.toString(), json.code(), is(BeamSamzaYarn.OK));
      assertThat("one JSON object", json.out().strip().lines().count(), is(1L));
      @SuppressWarnings("unchecked")
      Map<String, Object> status = new ObjectMapper().readValue(json.out(), Map.class);
      assertThat(status.get("applicationId"), is(id.toString()));
      assertThat(status.get("state"), is("KILLED"));
      assertThat(status.get("finalStatus"), is("KILLED"));
      assertThat(status.get("pipelineState"), is("CANCELLED"));
      assertThat(status.get("queue"), is("root.default"));
      assertThat(status.get("job"), is(Map.of()));
      assertThat(status.get("counters"), is(List.of()));
      assertThat(json.toString(), status.get("startTime") instanceof String, is(true));
      assertThat(json.toString(), status.get("finishTime") instanceof String, is(true));
    }
  }

  private static ApplicationId submitSleepingApplication() throws Exception {
    try (YarnClient client = YarnClient.createYarnClient()) {
      client.init(yarn.config());
      client.start();
      YarnClientApplication app = client.createApplication();
      ApplicationSubmissionContext context = app.getApplicationSubmissionContext();
      context.setApplicationName("cli-sleeper");
      context.setQueue("default");
      context.setResource(Resource.newInstance(128, 1));
      context.setMaxAppAttempts(1);
      context.setAMContainerSpec(
          ContainerLaunchContext.newInstance(
              Map.of(), Map.of(), List.of("sleep 600"), null, null, null));
      return client.submitApplication(context);
    }
  }
}
