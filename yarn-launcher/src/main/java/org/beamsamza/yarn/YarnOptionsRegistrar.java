package org.beamsamza.yarn;

import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/** Lets {@code --yarnQueue} and the other YARN options parse (META-INF/services). */
public final class YarnOptionsRegistrar implements PipelineOptionsRegistrar {
  @Override
  public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
    return List.of(SamzaYarnOptions.class);
  }
}
