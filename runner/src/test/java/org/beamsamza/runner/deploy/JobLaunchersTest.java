package org.beamsamza.runner.deploy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.beamsamza.runner.SamzaPipelineOptions;
import org.beamsamza.runner.SamzaRunner;
import org.beamsamza.runner.local.LocalLauncher;
import org.junit.Test;

public class JobLaunchersTest {

  @Test
  public void theDefaultDeploymentIsLocal() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    assertThat(JobLaunchers.forOptions(options), instanceOf(LocalLauncher.class));
  }

  @Test
  public void anUnknownDeploymentFailsRunNamingTheOptionAndWhatExists() {
    SamzaPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=SamzaRunner", "--deployment=mesos")
            .as(SamzaPipelineOptions.class);
    Pipeline p = Pipeline.create(options);
    p.apply(Create.of(1, 2, 3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SamzaRunner.fromOptions(options).run(p));
    assertThat(e.getMessage(), containsString("--deployment=mesos"));
    assertThat(e.getMessage(), containsString("found: local"));
  }

  @Test
  public void yarnWithoutItsModuleSaysWhichArtifactToAdd() {
    SamzaPipelineOptions options = PipelineOptionsFactory.as(SamzaPipelineOptions.class);
    options.setDeployment("yarn");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobLaunchers.forOptions(options));
    assertThat(e.getMessage(), containsString("yarn-launcher"));
  }
}
