package dev.ferry.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP endpoint (JDK {@code HttpServer}, one thread {@code ferry-http}):
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /health/live}: 200 while the poll loop and the workers run, else 503;
 *   <li>{@code GET /health/ready}: 200 when there is no reason not to be ready, else 503 with a
 *       JSON body naming the reasons;
 *   <li>{@code POST /pipelines/NAME/resume}: lifts a pipeline's dead-letter halt (200), or says it
 *       was not halted (409) or does not exist (404).
 * </ul>
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
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "ferry-http"));

  /**
   * Binds the port (0 picks a free one) and starts serving.
   *
   * @param liveness reasons the worker is not live; empty when it is
   * @param readiness reasons the worker is not ready
   * @param resume resumes a halted pipeline by name
   * @param metrics the Prometheus text exposition
   */
  public HttpEndpoint(
      int port,
      Supplier<? extends Collection<String>> liveness,
      Supplier<? extends Collection<String>> readiness,
      Function<String, ResumeResult> resume,
      Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    server.createContext("/health/live", ex -> health(ex, liveness.get(), "live"));
    server.createContext("/health/ready", ex -> health(ex, readiness.get(), "ready"));
    server.createContext("/pipelines/", ex -> resume(ex, resume));
    server.setExecutor(executor);
    server.start();
    log.info("http endpoint on port {} (/metrics, /health/live, /health/ready)", port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange ex, Collection<String> reasons, String state)
      throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      respond(ex, 405, "{\"error\":\"use GET\"}");
      return;
    }
    if (reasons.isEmpty()) {
      respond(ex, 200, "{\"status\":\"" + state + "\"}");
    } else {
      String list =
          reasons.stream().sorted().map(HttpEndpoint::quote).collect(Collectors.joining(","));
      respond(ex, 503, "{\"status\":\"not-" + state + "\",\"reasons\":[" + list + "]}");
    }
  }

  private static void resume(HttpExchange ex, Function<String, ResumeResult> resume)
      throws IOException {
    String[] parts = ex.getRequestURI().getPath().split("/");
    // ["", "pipelines", NAME, "resume"]
    if (parts.length != 4 || !parts[3].equals("resume")) {
      respond(ex, 404, "{\"error\":\"not found\"}");
      return;
    }
    if (!ex.getRequestMethod().equals("POST")) {
      respond(ex, 405, "{\"error\":\"use POST\"}");
      return;
    }
    String pipeline = parts[2];
    switch (resume.apply(pipeline)) {
      case RESUMED -> respond(ex, 200, "{\"pipeline\":" + quote(pipeline) + ",\"resumed\":true}");
      case NOT_HALTED ->
          respond(ex, 409, "{\"pipeline\":" + quote(pipeline) + ",\"error\":\"not halted\"}");
      default -> respond(ex, 404, "{\"pipeline\":" + quote(pipeline) + ",\"error\":\"unknown\"}");
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void respond(HttpExchange ex, int status, String json) throws IOException {
    respond(ex, status, "application/json", json);
  }

  private static void respond(HttpExchange ex, int status, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
