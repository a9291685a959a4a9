package dev.ferry.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ferry's HTTP server on loopback: keep-alive, HEAD, deadlines, limits, a busy pool. */
@Timeout(30)
class HttpServerTest {
  private static final HttpLimits SHORT =
      new HttpLimits(Duration.ofMillis(500), Duration.ofSeconds(2), 4, 2, 2, 1024, 64);

  private final List<Socket> sockets = new ArrayList<>();
  private HttpServer server;

  @AfterEach
  void close() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(HttpLimits limits, HttpServer.Handler handler) throws IOException {
    server =
        HttpServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            limits,
            handler,
            Clock.systemUTC());
  }

  private static HttpResponse echo(HttpRequest request) {
    return HttpResponse.text(200, "text/plain", request.method() + " " + request.path());
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    s.setSoTimeout(5_000);
    sockets.add(s);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** One response: its head and {@code Content-Length} bytes of body (none for HEAD). */
  private static String response(Socket s, boolean head) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (!bytes.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + bytes);
      }
      bytes.write(b);
    }
    String text = bytes.toString(StandardCharsets.US_ASCII);
    int length = Integer.parseInt(text.replaceAll("(?s).*Content-Length: (\\d+).*", "$1").trim());
    return text + (head ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  /** Whether the server closed the connection: a read returns end of stream or a reset. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketException e) {
      return true; // reset
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Test
  void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws IOException {
    start(SHORT, HttpServerTest::echo);
    Socket s = connect();

    send(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(response(s, false)).startsWith("HTTP/1.1 200 OK").endsWith("GET /a");
    send(s, "GET /b HTTP/1.1\r\n\r\nPOST /c HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
    assertThat(response(s, false)).endsWith("GET /b");
    assertThat(response(s, false)).endsWith("POST /c");
  }

  @Test
  void headGetsTheHeadersWithoutTheBody() throws IOException {
    start(SHORT, HttpServerTest::echo);
    Socket s = connect();

    send(s, "HEAD /health/live HTTP/1.1\r\n\r\n");
    String head = response(s, true);
    assertThat(head).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 17");
    // The next response follows directly: no body was sent for the HEAD.
    send(s, "GET /x HTTP/1.1\r\n\r\n");
    assertThat(response(s, false)).startsWith("HTTP/1.1 200 OK").endsWith("GET /x");
  }

  @Test
  void connectionCloseIsHonoured() throws IOException {
    start(SHORT, HttpServerTest::echo);
    Socket s = connect();

    send(s, "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n");
    assertThat(response(s, false)).contains("Connection: close");
    assertThat(closedByServer(s)).isTrue();
  }

  @Test
  void anIncompleteRequestIsCutAfterItsDeadlineWhileOthersAreServed() throws IOException {
    start(SHORT, HttpServerTest::echo);
    Socket slow = connect();
    send(slow, "GET /health/live HTTP/1.1\r\nHost: x\r\n");

    Socket other = connect();
    send(other, "GET /health/live HTTP/1.1\r\n\r\n");
    assertThat(response(other, false)).startsWith("HTTP/1.1 200");
    assertThat(closedByServer(slow)).as("cut after the 500 ms request timeout").isTrue();
  }

  @Test
  void anIdleConnectionIsCutAfterTheIdleTimeout() throws IOException {
    start(SHORT, HttpServerTest::echo);
    Socket idle = connect();

    assertThat(closedByServer(idle)).as("cut after the 2 s idle timeout").isTrue();
  }

  @Test
  void atTheConnectionLimitTheOldestIdleConnectionMakesRoom() throws IOException {
    start(SHORT, HttpServerTest::echo);
    Socket oldest = connect();
    // Served once, so the server has registered it before the others arrive.
    send(oldest, "GET /first HTTP/1.1\r\n\r\n");
    response(oldest, false);
    for (int i = 0; i < 3; i++) {
      connect();
    }

    Socket probe = connect();
    send(probe, "GET /health/live HTTP/1.1\r\n\r\n");
    assertThat(response(probe, false)).startsWith("HTTP/1.1 200");
    assertThat(closedByServer(oldest)).isTrue();
  }

  @Test
  void aFullHandlerQueueIsAnswered503AtOnce() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpLimits oneThread =
        new HttpLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), 8, 1, 1, 1024, 64);
    start(
        oneThread,
        request -> {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return echo(request);
        });
    Socket busy = connect();
    send(busy, "GET /busy HTTP/1.1\r\n\r\n");
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    // The only handler thread is taken: of the next two, one waits in the queue of one and the
    // other, whichever the server reads second, is refused at once.
    Socket first = connect();
    Socket second = connect();
    send(first, "GET /a HTTP/1.1\r\n\r\n");
    send(second, "GET /b HTTP/1.1\r\n\r\n");
    await("a 503")
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                first.getInputStream().available() > 0 || second.getInputStream().available() > 0);
    boolean firstRefused = first.getInputStream().available() > 0;
    Socket refused = firstRefused ? first : second;
    Socket queued = firstRefused ? second : first;
    assertThat(response(refused, false)).startsWith("HTTP/1.1 503").contains("busy");

    release.countDown();
    assertThat(response(busy, false)).endsWith("GET /busy");
    assertThat(response(queued, false)).startsWith("HTTP/1.1 200");
  }

  @Test
  void aMalformedRequestIsAnswered400AndClosed() throws IOException {
    start(SHORT, HttpServerTest::echo);
    Socket s = connect();

    send(s, "NONSENSE\r\n\r\n");
    assertThat(response(s, false)).startsWith("HTTP/1.1 400").contains("malformed request line");
    assertThat(closedByServer(s)).isTrue();
  }
}
