package org.beamsamza.yarn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.beamsamza.yarn.client.ApplicationStaging;
import org.beamsamza.yarn.client.YarnPipelineResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The ResourceManager's report of an application and, for a SamzaRunner job, the job's status and
 * counters (from its ApplicationMaster while it runs, from the files it left once it ended).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a YARN application's report (state, final status, diagnostics, tracking URL, queue,"
          + " start and finish times) and, for a SamzaRunner job, its status (stages, containers,"
          + " restarts, failures) and counters as step/namespace:name attempted=N committed=N."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      " 0:the report was read (whatever the application's state)",
      " 1:unknown application, or the cluster could not be read (the reason on stderr)",
      "64:usage error"
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin ClusterOptions cluster;

  @Option(names = "--json", description = "Print one JSON object instead of the summary.")
  boolean json;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws JsonProcessingException {
    YarnConfiguration conf = cluster.configuration();
    try (ResourceManagerClient rm = new ResourceManagerClient(conf)) {
      ApplicationReport report = rm.report(cluster.applicationId);
      Map<String, Object> status = new LinkedHashMap<>();
      status.putAll(reportFields(report));
      // The job's part comes from the AM or the staging directory: another application's, or a
      // job whose AM is starting, has none; that is shown, not an error.
      try {
        YarnPipelineResult job =
            new YarnPipelineResult(
                rm.yarn(),
                FileSystem.get(conf),
                cluster.applicationId,
                ApplicationStaging.inHomeDirectory(conf, cluster.applicationId.toString()).dir());
        status.put("pipelineState", String.valueOf(job.getState()));
        status.put("job", job.status());
        status.put(
            "counters", counters(job.metrics().queryMetrics(MetricsFilter.builder().build())));
      } catch (Exception e) {
        status.put("jobError", BeamSamzaYarn.oneLine(BeamSamzaYarn.describe(e)));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(new ObjectMapper().writeValueAsString(status));
      } else {
        StatusSummary.print(status, out);
      }
      out.flush();
      return BeamSamzaYarn.OK;
    }
  }

  private static Map<String, Object> reportFields(ApplicationReport report) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("applicationId", report.getApplicationId().toString());
    fields.put("name", report.getName());
    fields.put("user", report.getUser());
    fields.put("queue", report.getQueue());
    fields.put("state", String.valueOf(report.getYarnApplicationState()));
    fields.put("finalStatus", String.valueOf(report.getFinalApplicationStatus()));
    fields.put("diagnostics", report.getDiagnostics());
    fields.put("trackingUrl", report.getTrackingUrl());
    fields.put("startTime", time(report.getStartTime()));
    fields.put("finishTime", time(report.getFinishTime()));
    return fields;
  }

  /** ISO-8601, or null for YARN's 0 ("not yet"). */
  private static String time(long epochMillis) {
    return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  private static List<Map<String, Object>> counters(MetricQueryResults results) {
    List<Map<String, Object>> counters = new ArrayList<>();
    for (MetricResult<Long> counter : results.getCounters()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("step", counter.getKey().stepName());
      c.put("namespace", counter.getKey().metricName().getNamespace());
      c.put("name", counter.getKey().metricName().getName());
      c.put("attempted", counter.getAttempted());
      c.put("committed", committed(counter));
      counters.add(c);
    }
    counters.sort(
        Comparator.comparing(
            (Map<String, Object> c) ->
                c.get("step") + "/" + c.get("namespace") + ":" + c.get("name")));
    return counters;
  }

  private static Long committed(MetricResult<Long> counter) {
    try {
      return counter.getCommitted();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }
}
