package org.beamsamza.runner.status;

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

  /** The failure that ended (or is ending) the job, or null. */
  Throwable failure();

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
        public Throwable failure() {
          return null;
        }

        @Override
        public Map<String, Integer> restarts() {
          return Map.of();
        }
      };

  static JobCondition of(JobHandle job) {
    return new JobCondition() {
      @Override
      public String state() {
        return job.getStatus().name();
      }

      @Override
      public Throwable failure() {
        return job.getFailure();
      }

      @Override
      public Map<String, Integer> restarts() {
        return job.getContainerRestarts();
      }
    };
  }
}
