package dev.ferry.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads a worker's {@code /metrics} and {@code /health/ready} the way Prometheus and a probe do.
 */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final int port;

  public Scrape(int port) {
    this.port = port;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The sum of the samples of a metric, across its labels; {@code series} may name labels too, as
   * in {@code ferry_sink_timeouts_total{kind="lock"}}.
   */
  public double sum(String series) throws IOException, InterruptedException {
    String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
    String labels =
        series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
    double total = 0;
    for (String line : get("/metrics").body().split("\n")) {
      if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(labels)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** The readiness probe's answer: its status code and, when not ready, the reasons. */
  public HttpResponse<String> ready() throws IOException, InterruptedException {
    return get("/health/ready");
  }
}
