package dev.ferry.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.config.RateLimit;
import dev.ferry.health.http.HttpRequest;
import dev.ferry.health.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code /pipelines/NAME/rate-limit}, behind the admin door:
 *
 * <ul>
 *   <li>{@code POST} with {@code {"records-per-second": N, "max-transactions": M}} (a part null or
 *       absent is unlimited; {@code {}} lifts a configured limit): sets the pipeline's rate limit
 *       on every replica, in place of its configured one, kept in Ferry's schema so that a restart
 *       obeys it too. 200 with the limit in force, 400 for a body that is not such an object, 404
 *       unknown, 503 when it cannot be recorded now;
 *   <li>{@code DELETE}: clears that override, back to the configured limit. 200 with the limit in
 *       force, 409 when there was no override, 404 unknown, 503.
 * </ul>
 */
final class RateLimitRoute {
  static final String RECORDS = "records-per-second";
  static final String TRANSACTIONS = "max-transactions";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RateLimitRoute() {}

  static HttpResponse route(HttpRequest request, String pipeline, PipelineControl control) {
    String name = HttpEndpoint.quote(pipeline);
    PipelineControl.RateLimitResult result;
    switch (request.method()) {
      case "POST" -> {
        RateLimit limit;
        try {
          limit = parse(request.body());
        } catch (IllegalArgumentException e) {
          return HttpResponse.json(
              400,
              "{\"pipeline\":" + name + ",\"error\":" + HttpEndpoint.quote(e.getMessage()) + "}");
        }
        result = control.setRateLimit(pipeline, limit, PipelineRoutes.BY);
      }
      case "DELETE" -> result = control.clearRateLimit(pipeline, PipelineRoutes.BY);
      default -> {
        return HttpResponse.json(405, "{\"error\":\"use POST or DELETE\"}");
      }
    }
    return switch (result) {
      case SET, CLEARED ->
          HttpResponse.json(
              200,
              "{\"pipeline\":"
                  + name
                  + ",\"rate-limit\":"
                  + control.rateLimit(pipeline).orElse(RateLimit.UNLIMITED).json()
                  + "}");
      case NOT_SET ->
          HttpResponse.json(
              409, "{\"pipeline\":" + name + ",\"error\":\"no rate-limit override to clear\"}");
      case UNAVAILABLE ->
          HttpResponse.json(
              503, "{\"pipeline\":" + name + ",\"error\":\"cannot record the rate limit now\"}");
      default -> HttpResponse.json(404, "{\"pipeline\":" + name + ",\"error\":\"unknown\"}");
    };
  }

  /**
   * The limit a request body asks for.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static RateLimit parse(byte[] body) {
    JsonNode node;
    try {
      node = body.length == 0 ? null : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON");
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the body cannot be read");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "the body must be a JSON object such as {\"records-per-second\": 100,"
              + " \"max-transactions\": 2} (null or absent: unlimited)");
    }
    List<String> problems = new ArrayList<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!Set.of(RECORDS, TRANSACTIONS).contains(field)) {
        problems.add(field + " is not a rate-limit setting");
      }
    }
    OptionalDouble records = OptionalDouble.empty();
    JsonNode r = node.get(RECORDS);
    if (r != null && !r.isNull()) {
      if (r.isNumber()) {
        records = OptionalDouble.of(r.asDouble());
      } else {
        problems.add(RECORDS + " must be a number or null");
      }
    }
    OptionalInt transactions = OptionalInt.empty();
    JsonNode t = node.get(TRANSACTIONS);
    if (t != null && !t.isNull()) {
      if (t.isIntegralNumber() && t.canConvertToInt()) {
        transactions = OptionalInt.of(t.asInt());
      } else {
        problems.add(TRANSACTIONS + " must be a whole number or null");
      }
    }
    problems.addAll(RateLimit.problems(records, transactions));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new RateLimit(records, transactions);
  }
}
