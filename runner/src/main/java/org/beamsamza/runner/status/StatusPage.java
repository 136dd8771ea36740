package org.beamsamza.runner.status;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.function.Supplier;
import org.beamsamza.runner.metrics.JobValues;
import org.beamsamza.runtime.job.JobModel;
import org.beamsamza.runtime.local.JobHandle;
import org.beamsamza.translation.plan.ExecutionPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page of one local job ({@code --statusPort}): started before the job's containers, so
 * that a taken port fails the run at once and the page sees every container register; serves until
 * the job has a final status, then stops, so a finished job leaves no port open in a JVM that runs
 * on (a test suite, a notebook).
 */
public final class StatusPage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPage.class);

  private final StatusModel model;
  private final StatusServer server;
  private final String host;

  private StatusPage(
      int port, String jobId, ExecutionPlan plan, JobModel jobModel, Supplier<JobValues> values) {
    host = localHostName();
    model = new StatusModel(plan.jobName(), jobId, host, plan, jobModel, values);
    server = new StatusServer(port, model::build);
  }

  /**
   * Serves the page of the job on {@code port} (0: any free port), over the metric values {@code
   * values} reads, and logs its address.
   *
   * @throws java.io.UncheckedIOException if the port cannot be bound
   */
  public static StatusPage start(
      int port, String jobId, ExecutionPlan plan, JobModel jobModel, Supplier<JobValues> values) {
    StatusPage page = new StatusPage(port, jobId, plan, jobModel, values);
    LOG.info("Status page: {}", page.url());
    return page;
  }

  /** The bound port (the free one chosen for {@code --statusPort=0}). */
  public int port() {
    return server.port();
  }

  public URI url() {
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /**
   * Shows the job's state from now on, and stops serving once the job has a final status (a request
   * answered in between shows that status).
   */
  public void follow(JobHandle job) {
    model.follow(JobCondition.of(job, host));
    Thread stopper =
        new Thread(
            () -> {
              try {
                LOG.info("Job ended {}; status page {} stopped", job.waitForFinish(), url());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                close();
              }
            },
            "status-page-stopper");
    stopper.setDaemon(true);
    stopper.start();
  }

  @Override
  public void close() {
    server.close();
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
