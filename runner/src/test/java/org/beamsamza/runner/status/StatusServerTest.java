package org.beamsamza.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

/** The HTTP side without a job or a browser: what each path answers, and closing. */
public class StatusServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  public void servesTheStatusAsJsonAndThePageAndNothingElse() throws Exception {
    AtomicInteger builds = new AtomicInteger();
    try (StatusServer server =
        new StatusServer(
            0,
            () -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("build", builds.incrementAndGet());
              m.put("absent", null);
              m.put("tasks", List.of(Map.of("name", "stage0-0")));
              return m;
            })) {
      HttpResponse<String> json = get(server.port(), "/status.json");
      assertEquals(200, json.statusCode());
      assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
      JsonNode status = new ObjectMapper().readTree(json.body());
      assertEquals(1, status.path("build").asInt());
      assertEquals(true, status.path("absent").isNull());
      assertEquals("stage0-0", status.path("tasks").path(0).path("name").asText());

      HttpResponse<String> page = get(server.port(), "/");
      assertEquals(200, page.statusCode());
      assertThat(page.headers().firstValue("Content-Type").orElse(""), containsString("text/html"));
      assertThat(page.body(), containsString("<svg id=\"graph\""));
      assertThat(page.body(), containsString("fetch('status.json'"));
      assertThat("self-contained", page.body(), not(containsString("src=\"http")));

      assertEquals(404, get(server.port(), "/other").statusCode());
      // A fresh status per request:
      assertEquals(
          2,
          new ObjectMapper()
              .readTree(get(server.port(), "/status.json").body())
              .path("build")
              .asInt());
    }
  }

  @Test
  public void aFailingStatusIsAServerErrorAndClosingStopsServing() throws Exception {
    StatusServer server =
        new StatusServer(
            0,
            () -> {
              throw new IllegalStateException("broken gauge");
            });
    int port = server.port();
    HttpResponse<String> response = get(port, "/status.json");
    assertEquals(500, response.statusCode());
    assertThat(response.body(), containsString("broken gauge"));
    server.close();
    assertThrows(ConnectException.class, () -> get(port, "/status.json"));
  }

  @Test
  public void aTakenPortFailsNamingTheOption() throws Exception {
    try (StatusServer first = new StatusServer(0, Map::of)) {
      UncheckedIOException e =
          assertThrows(UncheckedIOException.class, () -> new StatusServer(first.port(), Map::of));
      assertThat(e.getMessage(), containsString("--statusPort=" + first.port()));
    }
  }
}
