package org.beamsamza.translation.spi;

import java.io.Serializable;
import org.apache.beam.sdk.options.PipelineOptions;
import org.beamsamza.runtime.system.SystemStreamPartition;

/**
 * Part of the plan of an {@link org.beamsamza.translation.plan.ExternalInput}: opens, inside the
 * task that owns it, the reader that turns one partition's messages into elements. Serialized with
 * the plan; every task deserializes its own copy.
 */
public interface ExternalReaderFactory extends Serializable {
  /**
   * @param stepName the read step, for errors and metrics
   */
  ExternalPartitionReader open(SystemStreamPartition ssp, String stepName, PipelineOptions options)
      throws Exception;
}
