package dev.ferry.testkit.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a loopback echo server that also records what reached it. */
class TcpProxyTest {
  /** How long a client waits for a reply that a black hole keeps from it. */
  private static final int SILENCE_MILLIS = 500;

  private ServerSocket echo;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger ended = new AtomicInteger();

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  accepted.add(s);
                  Thread reader = new Thread(() -> echoLoop(s));
                  reader.setDaemon(true);
                  reader.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private void echoLoop(Socket s) {
    byte[] buffer = new byte[1024];
    try (InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.add(new String(buffer, 0, n, UTF_8));
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // closed
    } finally {
      ended.incrementAndGet();
    }
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
    for (Socket s : accepted) {
      s.close();
    }
  }

  private static String roundTrip(Socket s, String message) throws IOException {
    send(s, message);
    return read(s, message.length());
  }

  private static void send(Socket s, String message) throws IOException {
    s.getOutputStream().write(message.getBytes(UTF_8));
    s.getOutputStream().flush();
  }

  private static String read(Socket s, int length) throws IOException {
    byte[] reply = new byte[length];
    int read = 0;
    while (read < reply.length) {
      int n = s.getInputStream().read(reply, read, reply.length - read);
      if (n < 0) {
        throw new IOException("closed");
      }
      read += n;
    }
    return new String(reply, UTF_8);
  }

  @Test
  void forwardsBothWays() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
        Socket s = new Socket("127.0.0.1", proxy.port())) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
    }
  }

  @Test
  void aSprungTrapDeliversTheRequestButNotItsReply() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
        Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(1_000);
      assertThat(roundTrip(s, "BEGIN")).isEqualTo("BEGIN");
      proxy.loseRepliesAfter("COMMIT");
      assertThat(proxy.awaitRepliesLost(Duration.ofMillis(50))).isFalse();

      s.getOutputStream().write("xCOMMITx".getBytes(UTF_8));
      s.getOutputStream().flush();

      assertThat(proxy.awaitRepliesLost(Duration.ofSeconds(5))).isTrue();
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(String.join("", received)).endsWith("xCOMMITx");
      proxy.cut();
      s.setSoTimeout(5_000);
      assertThatThrownBy(() -> roundTrip(s, "again")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void theTrapIsOneShot() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
        Socket first = new Socket("127.0.0.1", proxy.port());
        Socket second = new Socket("127.0.0.1", proxy.port())) {
      proxy.loseRepliesAfter("COMMIT");
      first.setSoTimeout(1_000);
      first.getOutputStream().write("COMMIT".getBytes(UTF_8));
      assertThat(proxy.awaitRepliesLost(Duration.ofSeconds(5))).isTrue();

      assertThat(roundTrip(second, "COMMIT")).isEqualTo("COMMIT");
    }
  }

  @Test
  void aBlackHoleSilencesAnOpenConnectionWithoutClosingItAndRestoreDeliversWhatItHeld()
      throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
        Socket s = new Socket("127.0.0.1", proxy.port())) {
      assertThat(roundTrip(s, "before")).isEqualTo("before");

      proxy.blackHole();
      assertThat(proxy.isBlackHoled()).isTrue();
      assertThat(proxy.isCut()).isFalse();
      send(s, "held");
      s.setSoTimeout(SILENCE_MILLIS);
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(received).containsExactly("before");

      proxy.restore();
      assertThat(proxy.isBlackHoled()).isFalse();
      s.setSoTimeout(5_000);
      assertThat(read(s, "held".length())).isEqualTo("held");
      assertThat(roundTrip(s, "after")).isEqualTo("after");
      assertThat(accepted).hasSize(1);
    }
  }

  @Test
  void aConnectionOpenedDuringABlackHoleIsAcceptedButSilentUntilRestored() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
      proxy.blackHole();
      try (Socket s = new Socket("127.0.0.1", proxy.port())) {
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connectionsAccepted() == 1);
        send(s, "late");
        s.setSoTimeout(SILENCE_MILLIS);
        assertThatThrownBy(() -> s.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
        assertThat(accepted).as("the server does not see the connection yet").isEmpty();

        proxy.restore();
        s.setSoTimeout(5_000);
        assertThat(read(s, "late".length())).isEqualTo("late");
      }
    }
  }

  @Test
  void aClientThatClosesDuringABlackHoleIsSeenClosedByTheServerOnlyAfterIt() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
      Socket s = new Socket("127.0.0.1", proxy.port());
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      proxy.blackHole();

      s.close();
      // The proxy has read the close; the server has not heard of it.
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.heldCloses() == 1);
      assertThat(ended.get()).isZero();

      proxy.restore();
      await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() == 1);
    }
  }

  @Test
  void aCutDuringABlackHoleResetsTheConnectionAndRestoreEndsBoth() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
        Socket s = new Socket("127.0.0.1", proxy.port())) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      proxy.blackHole();
      proxy.cut();
      s.setSoTimeout(5_000);
      assertThatThrownBy(() -> roundTrip(s, "again")).isInstanceOf(IOException.class);

      proxy.restore();
      assertThat(proxy.isCut()).isFalse();
      assertThat(proxy.isBlackHoled()).isFalse();
      try (Socket fresh = new Socket("127.0.0.1", proxy.port())) {
        fresh.setSoTimeout(5_000);
        assertThat(roundTrip(fresh, "fresh")).isEqualTo("fresh");
      }
    }
  }

  @Test
  void aProxyBoundBeforeItsTargetIsKnownForwardsOnceTold() throws Exception {
    try (TcpProxy proxy = TcpProxy.bind();
        Socket early = new Socket("127.0.0.1", proxy.port())) {
      proxy.forwardTo("127.0.0.1", echo.getLocalPort());
      early.setSoTimeout(5_000);
      assertThat(roundTrip(early, "early")).isEqualTo("early");
      assertThatThrownBy(() -> proxy.forwardTo("127.0.0.1", echo.getLocalPort()))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
