package org.beamsamza.yarn.am;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The ApplicationMaster's endpoints side by side: the status page at its root (the tracking URL)
 * with the page's model at {@code /status.json}, next to the JSON status the client and command
 * line read at {@code /status} (a prefix of the page's path, which must not take its requests).
 */
public class StatusServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private StatusServer server;
  private String base;

  @Before
  public void start() throws Exception {
    server = new StatusServer();
    server.serve(
        () -> Map.of("from", "page model"),
        () -> Map.of("from", "am status"),
        () -> new byte[] {1, 2, 3},
        report -> {});
    base = "http://127.0.0.1:" + server.port();
  }

  @After
  public void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  public void theRootIsTheStatusPage() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode(), equalTo(200));
    assertThat(page.headers().firstValue("Content-Type").orElse(""), startsWith("text/html"));
    assertThat(page.body(), containsString("fetch('status.json'"));
  }

  @Test
  public void statusJsonIsThePagesModelAndStatusTheAmsJson() throws Exception {
    HttpResponse<String> model = get("/status.json");
    assertThat(model.statusCode(), equalTo(200));
    assertThat(model.body(), containsString("page model"));

    HttpResponse<String> status = get("/status");
    assertThat(status.statusCode(), equalTo(200));
    assertThat(status.headers().firstValue("Content-Type").orElse(""), equalTo("application/json"));
    assertThat(status.body(), containsString("am status"));
  }

  @Test
  public void metricsAreStillServedAndUnknownPathsAreNotFound() throws Exception {
    HttpResponse<byte[]> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics.bin")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(metrics.body(), equalTo(new byte[] {1, 2, 3}));
    assertThat(get("/nothing-here").statusCode(), equalTo(404));
  }
}
