package org.beamsamza.yarn.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The YARN applications this JVM submitted, in order: lets the command line's {@code run --wait}
 * wait for the jobs a user's {@code main} started, whatever that main did with its results.
 */
public final class SubmittedApplications {
  private static final List<YarnPipelineResult> SUBMITTED = new ArrayList<>();

  private SubmittedApplications() {}

  static synchronized void record(YarnPipelineResult result) {
    SUBMITTED.add(result);
  }

  public static synchronized List<YarnPipelineResult> all() {
    return List.copyOf(SUBMITTED);
  }
}
