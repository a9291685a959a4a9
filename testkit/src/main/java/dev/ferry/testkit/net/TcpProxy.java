package dev.ferry.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP proxy that a test can cut and restore, to make a real server (Postgres) vanish for
 * a while without touching it. While cut, every proxied connection is reset and new ones are
 * accepted and closed at once, as a client sees a server that went away. Thread-safe.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5432)) {
 *   String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres";
 *   ...
 *   proxy.cut();
 *   ...
 *   proxy.restore();
 * }
 * }</pre>
 *
 * <p>{@link #loseRepliesAfter(String)} makes one request succeed on the server while its client
 * never hears back, as when a connection breaks between a COMMIT arriving and its reply.
 */
public final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicReference<Trap> trap = new AtomicReference<>();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on a free loopback port and forwards to {@code targetHost:targetPort}. */
  public static TcpProxy start(String targetHost, int targetPort) throws IOException {
    return new TcpProxy(targetHost, targetPort);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far (including the ones refused while cut). */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** Resets every proxied connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket s : open) {
      reset(s);
    }
  }

  public void restore() {
    cut = false;
  }

  public boolean isCut() {
    return cut;
  }

  /**
   * Arms a one-shot trap: the first connection whose client sends bytes containing {@code marker}
   * (in one read) still forwards them, but from then on every reply of the server on that
   * connection is dropped. The client waits for an answer that never comes, until {@link #cut()}
   * breaks the connection.
   */
  public void loseRepliesAfter(String marker) {
    trap.set(new Trap(marker.getBytes(StandardCharsets.UTF_8)));
  }

  /** Waits until the armed trap has caught a request; false if it has not within {@code limit}. */
  public boolean awaitRepliesLost(Duration limit) throws InterruptedException {
    Trap armed = trap.get();
    if (armed == null) {
      throw new IllegalStateException("no trap armed: call loseRepliesAfter first");
    }
    return armed.sprung.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static final class Trap {
    final byte[] marker;
    final CountDownLatch sprung = new CountDownLatch(1);

    Trap(byte[] marker) {
      this.marker = marker;
    }

    boolean matches(byte[] buffer, int length) {
      if (sprung.getCount() == 0) {
        return false;
      }
      for (int i = 0; i + marker.length <= length; i++) {
        if (Arrays.equals(buffer, i, i + marker.length, marker, 0, marker.length)) {
          return true;
        }
      }
      return false;
    }
  }

  /** One proxied connection: whether the server's replies on it are being dropped. */
  private static final class Link {
    volatile boolean losingReplies;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (cut) {
        reset(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
        open.add(client);
        open.add(upstream);
        Link link = new Link();
        pump(client, upstream, link, true);
        pump(upstream, client, link, false);
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  private void pump(Socket from, Socket to, Link link, boolean fromClient) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  if (fromClient) {
                    springTrap(link, buffer, n);
                  } else if (link.losingReplies) {
                    continue;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // One side went away: the finally below closes both.
              } finally {
                reset(from);
                reset(to);
              }
            },
            "tcp-proxy-pump-" + port());
    t.setDaemon(true);
    t.start();
  }

  private void springTrap(Link link, byte[] buffer, int length) {
    Trap armed = trap.get();
    if (armed != null && armed.matches(buffer, length)) {
      synchronized (armed) {
        if (armed.sprung.getCount() > 0) {
          link.losingReplies = true; // before the request is forwarded, so before any reply
          armed.sprung.countDown();
        }
      }
    }
  }

  private void reset(Socket s) {
    open.remove(s);
    try {
      s.setSoLinger(true, 0); // RST instead of FIN, as when a server dies
    } catch (SocketException e) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      reset(s);
    }
  }
}
