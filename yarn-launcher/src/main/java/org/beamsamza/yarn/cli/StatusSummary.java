package org.beamsamza.yarn.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The readable form of {@code status}: the same fields as its JSON, one per line. */
final class StatusSummary {
  private StatusSummary() {}

  static void print(Map<String, Object> status, PrintWriter out) {
    field(out, "application", status.get("applicationId"));
    field(out, "name", status.get("name"));
    field(out, "user", status.get("user"));
    field(out, "queue", status.get("queue"));
    field(
        out,
        "state",
        status.get("state")
            + " (final status "
            + status.get("finalStatus")
            + (status.containsKey("pipelineState")
                ? ", pipeline " + status.get("pipelineState")
                : "")
            + ")");
    field(out, "started", orDash(status.get("startTime")));
    field(out, "finished", orDash(status.get("finishTime")));
    field(out, "tracking URL", orDash(status.get("trackingUrl")));
    Object diagnostics = status.get("diagnostics");
    if (diagnostics != null && !diagnostics.toString().isBlank()) {
      field(out, "diagnostics", diagnostics.toString().strip().replace("\n", "\n    "));
    }
    if (status.containsKey("jobError")) {
      field(out, "job", "unavailable: " + status.get("jobError"));
      return;
    }
    job(out, map(status.get("job")));
    counters(out, list(status.get("counters")));
  }

  private static void job(PrintWriter out, Map<String, Object> job) {
    if (job.isEmpty()) {
      // An AM still starting, one killed before it wrote its report, or not a SamzaRunner job.
      field(out, "job", "no status (yet)");
      return;
    }
    field(out, "job", job.get("job") + " (jobId " + job.get("jobId") + "): " + job.get("state"));
    if (job.get("failure") != null) {
      field(out, "failure", job.get("failure").toString().strip().replace("\n", "\n    "));
    }
    Map<String, Object> progress = map(job.get("progress"));
    if (progress.get("line") != null) {
      field(out, "progress", progress.get("line"));
    }
    for (Object o : list(job.get("stages"))) {
      Map<String, Object> stage = map(o);
      field(out, "stage", stage.get("id") + ": " + stage.get("tasks") + " tasks");
    }
    for (Object o : list(job.get("containers"))) {
      Map<String, Object> c = map(o);
      field(
          out,
          "container",
          c.get("id")
              + " "
              + c.get("state")
              + " "
              + orDash(c.get("yarnContainerId"))
              + " on "
              + orDash(c.get("host"))
              + ", instances "
              + c.get("instances")
              + ", restarts "
              + c.get("restarts")
              + ", tasks "
              + c.get("tasks"));
      if (c.get("lastFailure") != null) {
        out.println("    last failure: " + BeamSamzaYarn.oneLine(c.get("lastFailure").toString()));
      }
    }
  }

  private static void counters(PrintWriter out, List<Object> counters) {
    out.println("counters:" + (counters.isEmpty() ? " none reported" : ""));
    for (Object o : counters) {
      Map<String, Object> c = map(o);
      out.println(
          "  "
              + c.get("step")
              + "/"
              + c.get("namespace")
              + ":"
              + c.get("name")
              + " attempted="
              + c.get("attempted")
              + " committed="
              + (c.get("committed") == null ? "n/a" : c.get("committed")));
    }
  }

  private static void field(PrintWriter out, String name, Object value) {
    out.printf("%-13s %s%n", name + ":", value);
  }

  private static Object orDash(Object value) {
    return value == null || value.toString().isBlank() ? "-" : value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }
}
