package org.beamsamza.yarn.cli;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException;
import org.apache.hadoop.yarn.exceptions.YarnException;

/** A started {@link YarnClient} whose failures are one-line {@link CliException}s. */
final class ResourceManagerClient implements AutoCloseable {
  static final Set<YarnApplicationState> TERMINAL =
      EnumSet.of(
          YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);

  private final YarnClient yarn;
  private final String address;

  ResourceManagerClient(Configuration conf) {
    this.address = conf.get(YarnConfiguration.RM_ADDRESS, YarnConfiguration.DEFAULT_RM_ADDRESS);
    this.yarn = YarnClient.createYarnClient();
    yarn.init(conf);
    yarn.start();
  }

  YarnClient yarn() {
    return yarn;
  }

  /** The application's report; an unknown id is a refusal naming it. */
  ApplicationReport report(ApplicationId id) {
    try {
      return yarn.getApplicationReport(id);
    } catch (ApplicationNotFoundException e) {
      throw new CliException("no application " + id + " on the ResourceManager at " + address, e);
    } catch (YarnException | IOException e) {
      throw new CliException(
          "cannot read the report of "
              + id
              + " from the ResourceManager at "
              + address
              + ": "
              + BeamSamzaYarn.describe(e),
          e);
    }
  }

  void kill(ApplicationId id) {
    try {
      yarn.killApplication(id);
    } catch (ApplicationNotFoundException e) {
      throw new CliException("no application " + id + " on the ResourceManager at " + address, e);
    } catch (YarnException | IOException e) {
      throw new CliException("cannot kill " + id + ": " + BeamSamzaYarn.describe(e), e);
    }
  }

  @Override
  public void close() {
    yarn.stop();
  }
}
