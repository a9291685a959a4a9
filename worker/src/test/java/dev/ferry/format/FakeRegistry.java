package dev.ferry.format;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A tiny registry in the test JVM: answers GETs by path with canned status and body, records each
 * request's path and Authorization header, and can hold answers until released.
 */
final class FakeRegistry implements AutoCloseable {
  record Request(String path, String authorization) {}

  private record Canned(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Canned> answers = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile CountDownLatch hold = new CountDownLatch(0);
  final CountDownLatch received = new CountDownLatch(1);

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
  }

  void answer(String path, int status, String body) {
    answers.put("/apis/ccompat/v7" + path, new Canned(status, body));
  }

  long requestsFor(String path) {
    return requests.stream().filter(r -> r.path().equals("/apis/ccompat/v7" + path)).count();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Authorization")));
    received.countDown();
    try {
      hold.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Canned canned = answers.getOrDefault(path, new Canned(404, "<html>no such page</html>"));
    byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(canned.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    hold.countDown();
    server.stop(0);
  }
}
