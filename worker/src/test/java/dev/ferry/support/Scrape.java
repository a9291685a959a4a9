package dev.ferry.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads a worker's {@code /metrics} and {@code /health/*} the way Prometheus and a probe do, and
 * makes the admin calls an operator makes without a token (resume, rate-limit).
 */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final int port;
  private final Duration timeout;
  private final boolean newConnectionEach;

  private Scrape(int port, Duration timeout, boolean newConnectionEach) {
    this.port = port;
    this.timeout = timeout;
    this.newConnectionEach = newConnectionEach;
  }

  /** Requests on a shared client (kept-alive connections), each answered within 5 s. */
  public Scrape(int port) {
    this(port, TIMEOUT, false);
  }

  /**
   * Requests as a Kubernetes probe makes them: each on a new connection, which must be accepted
   * within {@code timeout} and answered within {@code timeout} again, or the request fails with an
   * {@link java.net.http.HttpTimeoutException}.
   */
  public static Scrape asProbe(int port, Duration timeout) {
    return new Scrape(port, timeout, true);
  }

  /**
   * Like {@link #Scrape(int)} with another answer deadline, for a test that polls a worker which
   * may not listen yet.
   */
  public static Scrape withTimeout(int port, Duration timeout) {
    return new Scrape(port, timeout, false);
  }

  /** {@code GET path}, with its status, headers and body. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  /** {@code POST path} without a body, as an operator's {@code curl -X POST}. */
  public HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  /** {@code POST path} with a JSON {@code body}, as an operator's {@code curl -X POST -d BODY}. */
  public HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** The readiness probe's answer: its status code and, when not ready, the reasons. */
  public HttpResponse<String> ready() throws IOException, InterruptedException {
    return get("/health/ready");
  }

  /** The liveness probe's answer. */
  public HttpResponse<String> live() throws IOException, InterruptedException {
    return get("/health/live");
  }

  /** The whole {@code /metrics} answer. */
  public HttpResponse<String> metrics() throws IOException, InterruptedException {
    return get("/metrics");
  }

  /**
   * The sum of the samples of a metric, across its labels; {@code series} may name labels too, as
   * in {@code ferry_sink_timeouts_total{kind="lock"}}.
   */
  public double sum(String series) throws IOException, InterruptedException {
    return sum(metrics().body(), series);
  }

  /** {@link #sum(String)} in an exposition scraped earlier. */
  public static double sum(String exposition, String series) {
    String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
    String labels =
        series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
    double total = 0;
    for (String line : exposition.split("\n")) {
      if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(labels)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout);
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    HttpClient client =
        newConnectionEach ? HttpClient.newBuilder().connectTimeout(timeout).build() : HTTP;
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
