package org.beamsamza.yarn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Kills an application through the ResourceManager and waits until it has ended. */
@Command(
    name = "kill",
    mixinStandardHelpOptions = true,
    description = {
      "Kills a YARN application (YarnClient.killApplication), waits until the ResourceManager"
          + " reports it ended, prints its final state. An application that already ended is"
          + " left as it is."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      " 0:the application has ended (killed now, or before)",
      " 1:unknown application, or the cluster refused (the reason on stderr)",
      "64:usage error"
    })
final class KillCommand implements Callable<Integer> {
  /** Between reports while the kill completes. */
  private static final long POLL_MS = 200;

  @Mixin ClusterOptions cluster;
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (ResourceManagerClient rm = new ResourceManagerClient(cluster.configuration())) {
      ApplicationReport report = rm.report(cluster.applicationId);
      if (ResourceManagerClient.TERMINAL.contains(report.getYarnApplicationState())) {
        out.println(cluster.applicationId + " had already ended: " + describe(report));
        out.flush();
        return BeamSamzaYarn.OK;
      }
      rm.kill(cluster.applicationId);
      // killApplication returns once the RM accepted the kill; the report turns terminal after.
      while (!ResourceManagerClient.TERMINAL.contains(report.getYarnApplicationState())) {
        Thread.sleep(POLL_MS);
        report = rm.report(cluster.applicationId);
      }
      out.println(cluster.applicationId + " " + describe(report));
      out.flush();
      return BeamSamzaYarn.OK;
    }
  }

  private static String describe(ApplicationReport report) {
    return report.getYarnApplicationState()
        + " (final status "
        + report.getFinalApplicationStatus()
        + ")";
  }
}
