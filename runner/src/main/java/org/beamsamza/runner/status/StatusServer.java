package org.beamsamza.runner.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's HTTP endpoint (the JDK's own server, as the YARN ApplicationMaster's: two
 * read-only resources need no framework):
 *
 * <ul>
 *   <li>{@code GET /}: one self-contained HTML page (inline script and style, nothing fetched from
 *       elsewhere, so it works offline) that draws what it reads from {@code /status.json};
 *   <li>{@code GET /status.json}: the job's {@link StatusModel}.
 * </ul>
 *
 * <p>A server that serves more (the YARN ApplicationMaster's) adds both with {@link #addContexts}.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PAGE = "status-page.html";

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds {@code port} (0: any free one) on every interface and starts serving.
   *
   * @throws UncheckedIOException if the port cannot be bound (e.g. taken)
   */
  StatusServer(int port, Supplier<Map<String, Object>> status) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "--statusPort=" + port + ": cannot serve the status page there: " + e, e);
    }
    // One thread: a page polled every few seconds by a person or two.
    executor = Executors.newSingleThreadExecutor(StatusServer::daemon);
    server.setExecutor(executor);
    addContexts(server, status);
    server.start();
  }

  /**
   * Serves the page at {@code /} (other paths under {@code /} that {@code server} has no context
   * for: 404) and {@code status} at {@code /status.json} on {@code server}.
   */
  public static void addContexts(HttpServer server, Supplier<Map<String, Object>> status) {
    byte[] page = page();
    server.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          if (path.equals("/") || path.equals("/index.html")) {
            respond(ex, "text/html; charset=utf-8", page);
          } else {
            fail(ex, 404, "Not found: " + path);
          }
        });
    server.createContext("/status.json", ex -> respondStatus(ex, status));
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respondStatus(HttpExchange ex, Supplier<Map<String, Object>> status)
      throws IOException {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(status.get());
    } catch (RuntimeException e) {
      LOG.warn("Building the job's status failed", e);
      fail(ex, 500, "Building the job's status failed: " + e);
      return;
    }
    respond(ex, "application/json", body);
  }

  private static void respond(HttpExchange ex, String type, byte[] body) throws IOException {
    if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
      fail(ex, 405, "Only GET");
      return;
    }
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(200, head ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }

  private static void fail(HttpExchange ex, int code, String message) throws IOException {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** The page, read once: it is part of the runner's jar. */
  private static byte[] page() {
    try (InputStream in = StatusServer.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + PAGE + " missing next to StatusServer");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "status-page-server");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
  }
}
