package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.RateLimit;
import dev.ferry.health.http.HttpRequest;
import dev.ferry.health.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code POST|DELETE /pipelines/NAME/rate-limit}: the body, the answers, the calls made. */
class RateLimitRouteTest {
  private final Map<String, RateLimit> overrides = new HashMap<>();
  private final List<String> calls = new ArrayList<>();
  private boolean unavailable;

  private final PipelineControl control =
      new PipelineControl() {
        @Override
        public HttpEndpoint.ResumeResult resume(String pipeline) {
          return HttpEndpoint.ResumeResult.UNKNOWN;
        }

        @Override
        public PauseResult pause(String pipeline, String by, String reason) {
          return PauseResult.UNKNOWN;
        }

        @Override
        public String statusJson() {
          return "{\"pipelines\":[]}";
        }

        @Override
        public Collection<String> paused() {
          return List.of();
        }

        @Override
        public RateLimitResult setRateLimit(String pipeline, RateLimit limit, String by) {
          calls.add("set " + pipeline + " " + limit.describe() + " by " + by);
          if (unavailable) {
            return RateLimitResult.UNAVAILABLE;
          }
          if (!pipeline.equals("events")) {
            return RateLimitResult.UNKNOWN;
          }
          overrides.put(pipeline, limit);
          return RateLimitResult.SET;
        }

        @Override
        public RateLimitResult clearRateLimit(String pipeline, String by) {
          calls.add("clear " + pipeline + " by " + by);
          if (!pipeline.equals("events")) {
            return RateLimitResult.UNKNOWN;
          }
          return overrides.remove(pipeline) != null
              ? RateLimitResult.CLEARED
              : RateLimitResult.NOT_SET;
        }

        @Override
        public Optional<RateLimit> rateLimit(String pipeline) {
          return Optional.of(
              overrides.getOrDefault(
                  pipeline, new RateLimit(OptionalDouble.of(100), OptionalInt.empty())));
        }

        @Override
        public Map<String, RateLimit> rateLimited() {
          return overrides;
        }
      };

  private HttpResponse call(String method, String path, String body) {
    HttpRequest request =
        new HttpRequest(method, path, "HTTP/1.1", Map.of(), body.getBytes(StandardCharsets.UTF_8));
    return PipelineRoutes.route(request, control);
  }

  private static String body(HttpResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void aPostSetsTheOverrideAndAnswersTheLimitInForce() {
    HttpResponse set =
        call(
            "POST",
            "/pipelines/events/rate-limit",
            "{\"records-per-second\": 300, \"max-transactions\": 2}");

    assertThat(set.status()).isEqualTo(200);
    assertThat(body(set))
        .isEqualTo(
            "{\"pipeline\":\"events\",\"rate-limit\":"
                + "{\"records-per-second\":300,\"max-transactions\":2}}");
    assertThat(calls)
        .containsExactly("set events 300 records/s, 2 transactions at once by http-api");
  }

  @Test
  void absentOrNullPartsAreUnlimitedAndAnEmptyObjectLiftsTheConfiguredLimit() {
    assertThat(
            call("POST", "/pipelines/events/rate-limit", "{\"max-transactions\": null}").status())
        .isEqualTo(200);
    assertThat(overrides.get("events")).isEqualTo(RateLimit.UNLIMITED);
    assertThat(
            call("POST", "/pipelines/events/rate-limit", "{\"records-per-second\": 0.5}").status())
        .isEqualTo(200);
    assertThat(overrides.get("events").recordsPerSecond()).hasValue(0.5);
  }

  @Test
  void aDeleteClearsTheOverrideOnceThen409() {
    call("POST", "/pipelines/events/rate-limit", "{\"records-per-second\": 300}");

    HttpResponse cleared = call("DELETE", "/pipelines/events/rate-limit", "");
    assertThat(cleared.status()).isEqualTo(200);
    assertThat(body(cleared)).contains("\"records-per-second\":100,"); // the configured one
    HttpResponse again = call("DELETE", "/pipelines/events/rate-limit", "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(body(again)).contains("no rate-limit override to clear");
  }

  @Test
  void badBodiesAre400WithoutACall() {
    for (String bad :
        List.of(
            "",
            "[]",
            "not json",
            "{\"records-per-second\": 0}",
            "{\"records-per-second\": \"100\"}",
            "{\"max-transactions\": 1.5}",
            "{\"max-transactions\": 0}",
            "{\"rps\": 10}")) {
      assertThat(call("POST", "/pipelines/events/rate-limit", bad).status()).as(bad).isEqualTo(400);
    }
    assertThat(calls).isEmpty();
    assertThat(body(call("POST", "/pipelines/events/rate-limit", "{\"rps\": 10}")))
        .contains("rps is not a rate-limit setting");
  }

  @Test
  void unknownPipelinesOtherMethodsAndAnUnreachableSchema() {
    assertThat(call("POST", "/pipelines/nope/rate-limit", "{}").status()).isEqualTo(404);
    assertThat(call("DELETE", "/pipelines/nope/rate-limit", "").status()).isEqualTo(404);
    assertThat(call("GET", "/pipelines/events/rate-limit", "").status()).isEqualTo(405);
    unavailable = true;
    assertThat(call("POST", "/pipelines/events/rate-limit", "{}").status()).isEqualTo(503);
  }

  @Test
  void theBodyParserNamesEachProblem() {
    assertThatThrownBy(
            () ->
                RateLimitRoute.parse(
                    "{\"records-per-second\": -1, \"max-transactions\": 0}"
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessage(
            "records-per-second must be a number above 0 and at most 1e9, was -1;"
                + " max-transactions must be ≥ 1, was 0");
  }
}
