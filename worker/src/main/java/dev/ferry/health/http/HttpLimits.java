package dev.ferry.health.http;

import java.time.Duration;

/**
 * The bounds of Ferry's HTTP server, which keep one misbehaving client from silencing the probes
 * and the scrapes.
 *
 * @param requestTimeout a request must arrive in full (request line, headers, body) within this
 *     time from its first byte, and a response must be taken by the client within it; else the
 *     connection is cut
 * @param idleTimeout a connection that sends nothing (before its first request, or between
 *     keep-alive requests) is cut after this time
 * @param maxConnections open connections at most; at the limit a new connection evicts the oldest
 *     idle one, else the oldest one still sending its request, else it is refused
 * @param threads handler threads that build responses
 * @param queueCapacity complete requests waiting for a handler thread; beyond it a request is
 *     answered 503 at once
 * @param maxHeadBytes request line and headers at most (431 beyond)
 * @param maxBodyBytes request body at most (413 beyond)
 */
public record HttpLimits(
    Duration requestTimeout,
    Duration idleTimeout,
    int maxConnections,
    int threads,
    int queueCapacity,
    int maxHeadBytes,
    int maxBodyBytes) {

  /** Ferry's limits: probes and scrapes are small, quick requests from few clients. */
  public static final HttpLimits DEFAULTS =
      new HttpLimits(Duration.ofSeconds(5), Duration.ofMinutes(2), 64, 2, 32, 8192, 4096);

  public HttpLimits {
    if (requestTimeout.isNegative()
        || requestTimeout.isZero()
        || idleTimeout.isNegative()
        || idleTimeout.isZero()
        || maxConnections < 1
        || threads < 1
        || queueCapacity < 1
        || maxHeadBytes < 64
        || maxBodyBytes < 0) {
      throw new IllegalArgumentException("invalid HTTP limits: " + this);
    }
  }

  /** The same limits with another request timeout. */
  public HttpLimits withRequestTimeout(Duration timeout) {
    return new HttpLimits(
        timeout, idleTimeout, maxConnections, threads, queueCapacity, maxHeadBytes, maxBodyBytes);
  }
}
