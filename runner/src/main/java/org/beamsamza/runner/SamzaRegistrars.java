package org.beamsamza.runner;

import java.util.List;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;

/** Lets {@code --runner=SamzaRunner} (and TestSamzaRunner) and SamzaRunner's options resolve. */
public final class SamzaRegistrars {
  private SamzaRegistrars() {}

  /** Registered in META-INF/services. */
  public static final class Runner implements PipelineRunnerRegistrar {
    @Override
    public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
      return List.of(SamzaRunner.class, TestSamzaRunner.class);
    }
  }

  /** Registered in META-INF/services. */
  public static final class Options implements PipelineOptionsRegistrar {
    @Override
    public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
      return List.of(SamzaPipelineOptions.class);
    }
  }
}
