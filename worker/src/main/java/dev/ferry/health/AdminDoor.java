package dev.ferry.health;

import dev.ferry.health.http.HttpRequest;
import dev.ferry.health.http.HttpResponse;
import dev.ferry.health.http.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock on the admin door of the HTTP endpoint (decision 0023): a wrapper around the route
 * function, so that every admin route, including ones added later, is guarded without doing
 * anything itself.
 *
 * <p>Open to anyone: {@code GET} and {@code HEAD} of {@code /metrics} and {@code /health/*}. Every
 * other request is an admin call and is let through only when
 *
 * <ul>
 *   <li>a token is configured ({@code http.admin-token-file}) and the request carries {@code
 *       Authorization: Bearer TOKEN}; otherwise it is refused with 401;
 *   <li>or no token is configured and the listener is bound to a loopback address; on any other
 *       listener it is refused with 403, so that a default container has no open admin door.
 * </ul>
 *
 * Tokens are compared in constant time (SHA-256 digests, {@link MessageDigest#isEqual}), so neither
 * the content nor the length of the token leaks through timing. Every admin call, allowed or
 * refused, is logged with who (remote address, {@code token} or {@code none}), what (method and
 * path) and the outcome, and counted; the token is never logged. Thread-safe.
 */
public final class AdminDoor {
  private static final Logger log = LoggerFactory.getLogger(AdminDoor.class);
  private static final String BEARER = "Bearer ";

  /** What the door did with an admin call; {@link #label()} is the metric's {@code outcome}. */
  public enum Outcome {
    ALLOWED,
    UNAUTHORIZED,
    FORBIDDEN;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Optional<byte[]> tokenDigest;
  private final boolean loopbackListener;
  private final Consumer<Outcome> counter;

  private AdminDoor(Optional<String> token, boolean loopbackListener, Consumer<Outcome> counter) {
    this.tokenDigest = token.map(AdminDoor::digest);
    this.loopbackListener = loopbackListener;
    this.counter = counter;
  }

  /** A door that lets in admin calls carrying {@code token}, on any listener. */
  public static AdminDoor withToken(String token, Consumer<Outcome> counter) {
    if (token.isEmpty()) {
      throw new IllegalArgumentException("an empty admin token would let everyone in");
    }
    return new AdminDoor(Optional.of(token), false, counter);
  }

  /**
   * A door without a token: open to admin calls when {@code listener} is a loopback address, shut
   * (403) otherwise. A wildcard address ({@code 0.0.0.0}, {@code ::}) is not loopback.
   */
  public static AdminDoor withoutToken(InetSocketAddress listener, Consumer<Outcome> counter) {
    boolean loopback = listener.getAddress() != null && listener.getAddress().isLoopbackAddress();
    return new AdminDoor(Optional.empty(), loopback, counter);
  }

  /** How admin calls are let in, for the start log: never names the token. */
  public String describe() {
    if (tokenDigest.isPresent()) {
      return "admin calls need the bearer token of http.admin-token-file";
    }
    return loopbackListener
        ? "admin calls without a token (loopback listener, no http.admin-token-file)"
        : "admin calls refused (no http.admin-token-file on a non-loopback listener)";
  }

  /** Whether {@code request} is open to anyone: a read of the metrics or of a health probe. */
  public static boolean isOpen(HttpRequest request) {
    String method = request.method();
    String path = request.path();
    return (method.equals("GET") || method.equals("HEAD"))
        && (path.equals("/metrics") || path.startsWith("/health/"));
  }

  /** {@code routes}, behind this door. */
  public HttpServer.Handler guard(HttpServer.Handler routes) {
    return request -> isOpen(request) ? routes.handle(request) : admin(request, routes);
  }

  private HttpResponse admin(HttpRequest request, HttpServer.Handler routes) {
    Optional<String> presented =
        request
            .header("authorization")
            .filter(h -> h.regionMatches(true, 0, BEARER, 0, BEARER.length()))
            .map(h -> h.substring(BEARER.length()).trim());
    String who = safe(request.remote()) + " (" + (presented.isPresent() ? "token" : "none") + ")";
    String what = safe(request.method()) + " " + safe(request.path());
    if (tokenDigest.isEmpty() && !loopbackListener) {
      counter.accept(Outcome.FORBIDDEN);
      log.warn(
          "admin call refused (403, no http.admin-token-file on a non-loopback listener): {} by {}",
          what,
          who);
      return HttpResponse.json(
          403,
          "{\"error\":\"admin calls are disabled: set http.admin-token-file, or bind the http"
              + " endpoint to 127.0.0.1\"}");
    }
    if (tokenDigest.isPresent()
        && !presented.map(t -> matches(tokenDigest.get(), t)).orElse(false)) {
      counter.accept(Outcome.UNAUTHORIZED);
      log.warn(
          "admin call refused (401, {} token): {} by {}",
          presented.isPresent() ? "wrong" : "no",
          what,
          who);
      return HttpResponse.json(
              401, "{\"error\":\"admin calls need the header 'Authorization: Bearer TOKEN'\"}")
          .withHeader("WWW-Authenticate", "Bearer realm=\"ferry-admin\"");
    }
    counter.accept(Outcome.ALLOWED);
    HttpResponse response = routes.handle(request);
    log.info("admin call allowed: {} by {} -> {}", what, who, response.status());
    return response;
  }

  /**
   * Whether {@code presented} is the token whose digest is {@code expected}, in time that depends
   * on neither: both sides are hashed to 32 bytes and compared with {@link MessageDigest#isEqual},
   * which does not stop at the first difference.
   */
  static boolean matches(byte[] expected, String presented) {
    return MessageDigest.isEqual(expected, digest(presented));
  }

  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Control characters would let a caller forge log lines; they are shown as {@code ?}. */
  private static String safe(String text) {
    return text.replaceAll("\\p{Cntrl}", "?");
  }
}
