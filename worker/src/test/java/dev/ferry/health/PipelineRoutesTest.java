package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.health.http.HttpLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /pipelines}, {@code POST /pipelines/NAME/pause|resume}, and pauses in readiness. */
@Timeout(30)
class PipelineRoutesTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final Set<String> paused = new TreeSet<>();
  private final List<String> calls = new ArrayList<>();
  private HttpEndpoint endpoint;

  private final PipelineControl control =
      new PipelineControl() {
        @Override
        public HttpEndpoint.ResumeResult resume(String pipeline) {
          if (!Set.of("a", "b").contains(pipeline)) {
            return HttpEndpoint.ResumeResult.UNKNOWN;
          }
          return paused.remove(pipeline)
              ? HttpEndpoint.ResumeResult.RESUMED
              : HttpEndpoint.ResumeResult.NOT_HALTED;
        }

        @Override
        public PauseResult pause(String pipeline, String by, String reason) {
          calls.add(pipeline + "|" + by + "|" + reason);
          if (!Set.of("a", "b").contains(pipeline)) {
            return PauseResult.UNKNOWN;
          }
          return paused.add(pipeline) ? PauseResult.PAUSED : PauseResult.ALREADY_PAUSED;
        }

        @Override
        public String statusJson() {
          return "{\"pipelines\":" + paused.size() + "}";
        }

        @Override
        public Collection<String> paused() {
          return List.copyOf(paused);
        }
      };

  @BeforeEach
  void start() throws Exception {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    endpoint =
        new HttpEndpoint(
            loopback,
            HttpLimits.DEFAULTS,
            AdminDoor.withoutToken(loopback, outcome -> {}),
            List::of,
            List::of,
            control,
            () -> "");
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pauseThenResumeWithTheBodyAsTheReason() throws Exception {
    HttpResponse<String> pause = call("POST", "/pipelines/a/pause", "  nightly backfill\n");
    assertThat(pause.statusCode()).isEqualTo(200);
    assertThat(pause.body()).isEqualTo("{\"pipeline\":\"a\",\"paused\":true}");
    assertThat(calls).containsExactly("a|http-api|nightly backfill");
    assertThat(call("POST", "/pipelines/a/pause", "").statusCode()).isEqualTo(409);
    assertThat(call("GET", "/pipelines", "").body()).isEqualTo("{\"pipelines\":1}");

    HttpResponse<String> ready = call("GET", "/health/ready", "");
    assertThat(ready.statusCode()).isEqualTo(200); // paused is not "not ready"
    assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"paused\":[\"a\"]}");

    assertThat(call("POST", "/pipelines/a/resume", "").statusCode()).isEqualTo(200);
    HttpResponse<String> again = call("POST", "/pipelines/a/resume", "");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).isEqualTo("{\"pipeline\":\"a\",\"error\":\"not halted or paused\"}");
    assertThat(call("GET", "/health/ready", "").body()).isEqualTo("{\"status\":\"ready\"}");
  }

  @Test
  void unknownPipelinesWrongMethodsAndPaths() throws Exception {
    assertThat(call("POST", "/pipelines/zz/pause", "").statusCode()).isEqualTo(404);
    assertThat(call("POST", "/pipelines/zz/resume", "").statusCode()).isEqualTo(404);
    assertThat(call("GET", "/pipelines/a/pause", "").statusCode()).isEqualTo(405);
    assertThat(call("POST", "/pipelines", "").statusCode()).isEqualTo(405);
    assertThat(call("POST", "/pipelines/a/stop", "").statusCode()).isEqualTo(404);
    assertThat(calls).containsExactly("zz|http-api|");
  }
}
