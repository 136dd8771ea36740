package org.beamsamza.runner.status;

import java.util.List;
import java.util.Map;
import org.beamsamza.runtime.local.JobHandle;

/**
 * What the status page shows of the job's life: its state, its failure, its containers' restarts.
 * An interface so that the page can be served before the job exists (it starts first, to fail early
 * on a taken port) and the model can be tested without running a job.
 */
public interface JobCondition {
  /** The runtime's status name ({@code RUNNING}, {@code SUCCEEDED}, ...), or {@code STARTING}. */
  String state();

  /**
   * Failures to show, newest last: each with {@code container}, {@code task}, {@code message} (the
   * user's exception) and {@code stackTrace}.
   */
  List<Map<String, Object>> failures();

  /** The host a container runs (or last ran) on, or null if not known. */
  String host(String containerId);

  /** Restarts per container id so far; containers never restarted are absent. */
  Map<String, Integer> restarts();

  /** Before the job's containers are started. */
  JobCondition STARTING =
      new JobCondition() {
        @Override
        public String state() {
          return "STARTING";
        }

        @Override
        public List<Map<String, Object>> failures() {
          return List.of();
        }

        @Override
        public Map<String, Integer> restarts() {
          return Map.of();
        }

        @Override
        public String host(String containerId) {
          return null;
        }
      };

  /** A local job: every container on this JVM's {@code host}. */
  static JobCondition of(JobHandle job, String host) {
    return new JobCondition() {
      @Override
      public String state() {
        return job.getStatus().name();
      }

      /** Every recent container failure, those a restart cured too, oldest first. */
      @Override
      public List<Map<String, Object>> failures() {
        List<Map<String, Object>> failures = new java.util.ArrayList<>();
        for (JobHandle.ContainerFailure f : job.getRecentFailures()) {
          failures.add(StatusModel.failure(f.failure(), f.epochMillis()));
        }
        return failures;
      }

      @Override
      public String host(String containerId) {
        return host;
      }

      @Override
      public Map<String, Integer> restarts() {
        return job.getContainerRestarts();
      }
    };
  }
}
