package dev.ferry.health;

import dev.ferry.config.RateLimit;
import dev.ferry.health.http.HttpLimits;
import dev.ferry.health.http.HttpRequest;
import dev.ferry.health.http.HttpResponse;
import dev.ferry.health.http.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP endpoint, on Ferry's own {@link HttpServer} (see its bounds in {@link
 * HttpLimits}; a slow or idle client cannot silence it):
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /health/live}: 200 while the poll loop and the workers run, else 503;
 *   <li>{@code GET /health/ready}: 200 when there is no reason not to be ready (with the pipelines
 *       an operator paused, if any, as {@code "paused":[…]}, and the rate limits in force, if any,
 *       as {@code "rate-limited":{NAME:{…}}}), else 503 with a JSON body naming the reasons;
 *   <li>{@code GET /pipelines}, {@code POST /pipelines/NAME/pause}, {@code POST
 *       /pipelines/NAME/resume}, {@code POST|DELETE /pipelines/NAME/rate-limit}: see {@link
 *       PipelineRoutes}.
 * </ul>
 *
 * {@code HEAD} is answered on every {@code GET} path, with the headers only. Every route but the
 * {@code GET}s of metrics and health sits behind an {@link AdminDoor}. The suppliers are called on
 * the server's handler threads, concurrently.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

  /** What resuming a pipeline did. */
  public enum ResumeResult {
    RESUMED,
    NOT_HALTED,
    UNKNOWN
  }

  private final HttpServer server;
  private final Supplier<? extends Collection<String>> liveness;
  private final Supplier<? extends Collection<String>> readiness;
  private final PipelineControl control;
  private final Supplier<String> metrics;

  /** Binds {@code port} on every interface with the default limits; see the full constructor. */
  public HttpEndpoint(
      int port,
      Supplier<? extends Collection<String>> liveness,
      Supplier<? extends Collection<String>> readiness,
      Function<String, ResumeResult> resume,
      Supplier<String> metrics)
      throws IOException {
    this(new InetSocketAddress(port), HttpLimits.DEFAULTS, liveness, readiness, resume, metrics);
  }

  /**
   * Binds the address without an admin token: admin calls are let in on a loopback address only;
   * see the full constructor.
   */
  public HttpEndpoint(
      InetSocketAddress address,
      HttpLimits limits,
      Supplier<? extends Collection<String>> liveness,
      Supplier<? extends Collection<String>> readiness,
      Function<String, ResumeResult> resume,
      Supplier<String> metrics)
      throws IOException {
    this(
        address,
        limits,
        AdminDoor.withoutToken(address, outcome -> {}),
        liveness,
        readiness,
        PipelineControl.resumeOnly(resume),
        metrics);
  }

  /**
   * Binds the address (port 0 picks a free one) and starts serving, with every pipeline route.
   *
   * @param adminDoor guards every route but the reads of metrics and health
   * @param liveness reasons the worker is not live; empty when it is
   * @param readiness reasons the worker is not ready
   * @param control pauses, resumes and reports the pipelines
   * @param metrics the Prometheus text exposition
   * @throws IOException when the address cannot be bound
   */
  public HttpEndpoint(
      InetSocketAddress address,
      HttpLimits limits,
      AdminDoor adminDoor,
      Supplier<? extends Collection<String>> liveness,
      Supplier<? extends Collection<String>> readiness,
      PipelineControl control,
      Supplier<String> metrics)
      throws IOException {
    this.liveness = liveness;
    this.readiness = readiness;
    this.control = control;
    this.metrics = metrics;
    server = HttpServer.start(address, limits, adminDoor.guard(this::route), Clock.systemUTC());
    log.info(
        "http endpoint on {}:{} (/metrics, /health/live, /health/ready); {}",
        server.address().getAddress().getHostAddress(),
        port(),
        adminDoor.describe());
  }

  public int port() {
    return server.address().getPort();
  }

  private HttpResponse route(HttpRequest request) {
    String path = request.path();
    if (path.equals("/pipelines") || path.startsWith("/pipelines/")) {
      return PipelineRoutes.route(request, control);
    }
    if (!path.equals("/metrics") && !path.equals("/health/live") && !path.equals("/health/ready")) {
      return HttpResponse.json(404, "{\"error\":\"not found\"}");
    }
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return HttpResponse.json(405, "{\"error\":\"use GET\"}");
    }
    return switch (path) {
      case "/metrics" ->
          HttpResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
      case "/health/live" -> health(liveness.get(), "live");
      default -> health(readiness.get(), "ready");
    };
  }

  private HttpResponse health(Collection<String> reasons, String state) {
    if (reasons.isEmpty()) {
      // An operator's pause is a detail, not a reason: the pod stays routed and is not restarted.
      Collection<String> paused = state.equals("ready") ? control.paused() : List.of();
      String details =
          paused.isEmpty()
              ? ""
              : ",\"paused\":["
                  + paused.stream()
                      .sorted()
                      .map(HttpEndpoint::quote)
                      .collect(Collectors.joining(","))
                  + "]";
      Map<String, RateLimit> limited = state.equals("ready") ? control.rateLimited() : Map.of();
      if (!limited.isEmpty()) {
        details +=
            ",\"rate-limited\":{"
                + limited.entrySet().stream()
                    .map(e -> quote(e.getKey()) + ":" + e.getValue().json())
                    .collect(Collectors.joining(","))
                + "}";
      }
      return HttpResponse.json(200, "{\"status\":\"" + state + "\"" + details + "}");
    }
    String list =
        reasons.stream().sorted().map(HttpEndpoint::quote).collect(Collectors.joining(","));
    return HttpResponse.json(503, "{\"status\":\"not-" + state + "\",\"reasons\":[" + list + "]}");
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    server.close();
  }
}
