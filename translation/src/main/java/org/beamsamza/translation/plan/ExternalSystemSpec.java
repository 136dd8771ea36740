package org.beamsamza.translation.plan;

import java.io.Serializable;
import java.util.Map;

/**
 * A system the plan's external inputs are read from, as the runtime configures it: the {@code
 * SystemFactory} class to instantiate and its settings, each of which becomes the config entry
 * {@code systems.<name>.<key>}.
 */
public record ExternalSystemSpec(String factoryClass, Map<String, String> config)
    implements Serializable {
  public ExternalSystemSpec {
    config = Map.copyOf(config);
  }
}
