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
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The endpoint's paths and methods, HEAD on the health paths included. */
@Timeout(30)
class HttpEndpointTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint =
        new HttpEndpoint(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            HttpLimits.DEFAULTS,
            List::of,
            () -> Set.of("starting", "kafka-unreachable"),
            name ->
                switch (name) {
                  case "halted" -> HttpEndpoint.ResumeResult.RESUMED;
                  case "running" -> HttpEndpoint.ResumeResult.NOT_HALTED;
                  default -> HttpEndpoint.ResumeResult.UNKNOWN;
                },
            () -> "ferry_up 1\n");
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private HttpResponse<String> call(String method, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAnswersGetAndHeadWithTheReasons() throws Exception {
    assertThat(call("GET", "/health/live").body()).isEqualTo("{\"status\":\"live\"}");
    HttpResponse<String> ready = call("GET", "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body())
        .isEqualTo("{\"status\":\"not-ready\",\"reasons\":[\"kafka-unreachable\",\"starting\"]}");

    HttpResponse<String> headLive = call("HEAD", "/health/live");
    assertThat(headLive.statusCode()).isEqualTo(200);
    assertThat(headLive.body()).isEmpty();
    assertThat(headLive.headers().firstValue("content-length")).contains("17");
    assertThat(call("HEAD", "/health/ready").statusCode()).isEqualTo(503);
  }

  @Test
  void metricsAreServedAsPrometheusText() throws Exception {
    HttpResponse<String> metrics = call("GET", "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).isEqualTo("ferry_up 1\n");
  }

  @Test
  void resumeTakesPostAndSaysWhatHappened() throws Exception {
    assertThat(call("POST", "/pipelines/halted/resume").statusCode()).isEqualTo(200);
    assertThat(call("POST", "/pipelines/running/resume").statusCode()).isEqualTo(409);
    assertThat(call("POST", "/pipelines/nope/resume").statusCode()).isEqualTo(404);
    assertThat(call("GET", "/pipelines/halted/resume").statusCode()).isEqualTo(405);
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(call("GET", "/nothing").statusCode()).isEqualTo(404);
    assertThat(call("POST", "/health/live").statusCode()).isEqualTo(405);
    assertThat(call("DELETE", "/metrics").statusCode()).isEqualTo(405);
  }
}
