package dev.ferry.health;

import dev.ferry.health.http.HttpRequest;
import dev.ferry.health.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The admin routes on pipelines:
 *
 * <ul>
 *   <li>{@code GET /pipelines}: every pipeline's state (running, paused since/by/why, halted by the
 *       dead-letter breaker), 200 with JSON;
 *   <li>{@code POST /pipelines/NAME/pause}: pauses the pipeline on every replica (recorded in
 *       Ferry's schema); the request body, if any, is the reason (UTF-8 text, at most {@value
 *       #MAX_REASON} characters kept). 200 paused, 409 already paused, 404 unknown, 503 when the
 *       pause cannot be recorded now;
 *   <li>{@code POST /pipelines/NAME/resume}: lifts both an operator's pause and a dead-letter halt
 *       (200), or says it was neither (409) or does not exist (404);
 *   <li>{@code POST|DELETE /pipelines/NAME/rate-limit}: see {@link RateLimitRoute}.
 * </ul>
 */
final class PipelineRoutes {
  static final int MAX_REASON = 500;

  /** Who a pause through this API is recorded as by (the admin door may name the caller later). */
  static final String BY = "http-api";

  private PipelineRoutes() {}

  static HttpResponse route(HttpRequest request, PipelineControl control) {
    String[] parts = request.path().split("/");
    if (parts.length == 2) { // ["", "pipelines"]
      if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
        return HttpResponse.json(405, "{\"error\":\"use GET\"}");
      }
      return HttpResponse.json(200, control.statusJson());
    }
    // ["", "pipelines", NAME, ACTION]
    if (parts.length == 4 && parts[3].equals("rate-limit")) {
      return RateLimitRoute.route(request, parts[2], control);
    }
    if (parts.length != 4 || !(parts[3].equals("resume") || parts[3].equals("pause"))) {
      return HttpResponse.json(404, "{\"error\":\"not found\"}");
    }
    if (!request.method().equals("POST")) {
      return HttpResponse.json(405, "{\"error\":\"use POST\"}");
    }
    String pipeline = parts[2];
    return parts[3].equals("pause") ? pause(request, pipeline, control) : resume(pipeline, control);
  }

  private static HttpResponse resume(String pipeline, PipelineControl control) {
    String name = HttpEndpoint.quote(pipeline);
    return switch (control.resume(pipeline)) {
      case RESUMED -> HttpResponse.json(200, "{\"pipeline\":" + name + ",\"resumed\":true}");
      case NOT_HALTED ->
          HttpResponse.json(409, "{\"pipeline\":" + name + ",\"error\":\"not halted or paused\"}");
      default -> HttpResponse.json(404, "{\"pipeline\":" + name + ",\"error\":\"unknown\"}");
    };
  }

  private static HttpResponse pause(HttpRequest request, String pipeline, PipelineControl control) {
    String reason = new String(request.body(), StandardCharsets.UTF_8).strip();
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON);
    }
    String name = HttpEndpoint.quote(pipeline);
    return switch (control.pause(pipeline, BY, reason)) {
      case PAUSED -> HttpResponse.json(200, "{\"pipeline\":" + name + ",\"paused\":true}");
      case ALREADY_PAUSED ->
          HttpResponse.json(409, "{\"pipeline\":" + name + ",\"error\":\"already paused\"}");
      case UNAVAILABLE ->
          HttpResponse.json(
              503, "{\"pipeline\":" + name + ",\"error\":\"cannot record the pause now\"}");
      default -> HttpResponse.json(404, "{\"pipeline\":" + name + ",\"error\":\"unknown\"}");
    };
  }
}
