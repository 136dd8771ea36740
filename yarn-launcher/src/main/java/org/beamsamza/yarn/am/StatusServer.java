package org.beamsamza.yarn.am;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.beamsamza.yarn.ContainerReport;
import org.beamsamza.yarn.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ApplicationMaster's HTTP endpoint, whose root is the application's tracking URL (the JDK's
 * own HTTP server: a few small endpoints need no framework):
 *
 * <ul>
 *   <li>{@code GET /}: the job's status page, the same as a local job's ({@link
 *       org.beamsamza.runner.status.StatusServer}), which draws {@code GET /status.json};
 *   <li>{@code GET /status}: the job's status as JSON for the client and the command line (stages,
 *       containers, their hosts and tasks, restarts, the outcome);
 *   <li>{@code GET /metrics.bin}: the job's metrics, attempted and committed, Java-serialized for
 *       the client's {@code PipelineResult.metrics()};
 *   <li>{@code POST /report}: a container's {@link ContainerReport}.
 * </ul>
 */
final class StatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;

  /**
   * Binds a free port, serving nothing yet: the port goes into the launch contexts of the
   * containers that will report here, before the coordinator that answers exists.
   */
  StatusServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2, daemon()));
  }

  /**
   * Starts serving the job's status page (drawing {@code page}), status and metrics, and taking the
   * containers' reports.
   */
  void serve(
      Supplier<Map<String, Object>> page,
      Supplier<Map<String, Object>> status,
      Supplier<byte[]> metrics,
      Consumer<ContainerReport> reports) {
    org.beamsamza.runner.status.StatusServer.addContexts(server, page);
    server.createContext(
        "/status", ex -> respond(ex, "application/json", JSON.writeValueAsBytes(status.get())));
    server.createContext(
        "/metrics.bin", ex -> respond(ex, "application/octet-stream", metrics.get()));
    server.createContext(
        "/report",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            reports.accept(Wire.fromBytes(in.readAllBytes(), ContainerReport.class, "report"));
            respond(ex, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
          } catch (RuntimeException e) {
            LOG.warn("Unreadable container report", e);
            ex.sendResponseHeaders(400, -1);
            ex.close();
          }
        });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "am-status-server");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
