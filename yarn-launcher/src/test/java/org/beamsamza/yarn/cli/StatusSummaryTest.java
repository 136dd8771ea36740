package org.beamsamza.yarn.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class StatusSummaryTest {
  @Test
  public void printsTheJobsProgressLine() {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("job", "wordcount");
    job.put("jobId", "j1");
    job.put("state", "RUNNING");
    job.put(
        "progress",
        Map.of("line", "read 450 source records (50% of about 900); stages finished 0 of 2"));
    job.put("stages", List.of(Map.of("id", "stage0", "tasks", 2)));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("applicationId", "application_1_0001");
    status.put("state", "RUNNING");
    status.put("finalStatus", "UNDEFINED");
    status.put("job", job);
    StringWriter text = new StringWriter();
    StatusSummary.print(status, new PrintWriter(text, true));
    assertThat(
        text.toString(),
        containsString(
            "progress:     read 450 source records (50% of about 900); stages finished 0 of 2"));
  }
}
