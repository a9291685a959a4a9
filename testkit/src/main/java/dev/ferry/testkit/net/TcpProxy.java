package dev.ferry.testkit.net;

import java.io.IOException;
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
 * A loopback TCP proxy that a test can cut, black-hole and restore, to make a real server
 * (Postgres, a Kafka broker) vanish for a while without touching it. Thread-safe.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5432)) {
 *   String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres";
 *   ...
 *   proxy.cut();        // or proxy.blackHole();
 *   ...
 *   proxy.restore();
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #cut()}: every proxied connection is reset, and new ones are accepted and reset at
 *       once, as a client sees a server that went away. Bytes in flight are lost.
 *   <li>{@link #blackHole()}: nothing is forwarded in either direction, on existing connections and
 *       new ones, but no connection is closed, as a client sees a network path that silently drops
 *       packets: its requests get no answer until its own timeouts fire. What the proxy reads
 *       meanwhile is held, and {@link #restore()} delivers it in order, as TCP retransmission
 *       would. A new connection is accepted but not connected to the server until the black hole
 *       ends, so the server does not see it either. If one side closes its connection during a
 *       black hole, the other side learns of it only when the black hole ends, after the bytes held
 *       before the close, as a FIN that was dropped and sent again.
 *   <li>{@link #restore()} ends both: forwarding resumes and new connections are proxied again.
 * </ul>
 *
 * <p>{@link #loseRepliesAfter(String)} makes one request succeed on the server while its client
 * never hears back, as when a connection breaks between a COMMIT arriving and its reply.
 *
 * <p>{@link #bind()} and {@link #forwardTo} split {@link #start} in two, for a server that must be
 * told the proxy's port before it starts and so before its own port is known (a Kafka broker
 * advertising the proxy).
 *
 * <p>Each connection uses four daemon threads (a reader and a writer per direction): the readers
 * keep reading during a black hole, so a side that closes is noticed at once; after 1 MiB held in
 * one direction the reader stops reading too, and the kernel's buffers hold the rest.
 */
public final class TcpProxy implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final ServerSocket server;
  private final AtomicReference<Target> target = new AtomicReference<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicReference<Trap> trap = new AtomicReference<>();

  /** New connections wait on it while the proxy is black-holed. */
  private final Object blackHoleEnd = new Object();

  private volatile boolean cut;
  private volatile boolean blackHoled;
  private volatile boolean closed;

  private record Target(String host, int port) {}

  private TcpProxy() throws IOException {
    this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
  }

  /** Listens on a free loopback port and forwards to {@code targetHost:targetPort}. */
  public static TcpProxy start(String targetHost, int targetPort) throws IOException {
    TcpProxy proxy = bind();
    proxy.forwardTo(targetHost, targetPort);
    return proxy;
  }

  /**
   * Listens on a free loopback port ({@link #port()}) but forwards nothing until {@link #forwardTo}
   * names the target. Clients that connect before then wait in the listen queue.
   */
  public static TcpProxy bind() throws IOException {
    return new TcpProxy();
  }

  /**
   * Starts proxying the connections to this proxy's port to {@code targetHost:targetPort}.
   *
   * @throws IllegalStateException if the proxy forwards somewhere already or is closed
   */
  public void forwardTo(String targetHost, int targetPort) {
    if (closed) {
      throw new IllegalStateException("proxy on port " + port() + " is closed");
    }
    if (!target.compareAndSet(null, new Target(targetHost, targetPort))) {
      throw new IllegalStateException(
          "proxy on port " + port() + " forwards to " + target.get() + " already");
    }
    daemon("tcp-proxy-" + port() + "-accept", this::acceptLoop).start();
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
    wakeNewConnections(); // a connection waiting out a black hole is refused now
    for (Socket s : open) {
      reset(s);
    }
    wakePipes(); // what a black hole held is lost with the connections
  }

  private void wakePipes() {
    for (Pipe pipe : pipes) {
      pipe.wake();
    }
  }

  /**
   * Stops forwarding bytes in both directions on every connection, existing and new, without
   * closing any, until {@link #restore()}. Bytes the proxy had read before the call may still be
   * delivered, as packets already past a link that fails.
   */
  public void blackHole() {
    blackHoled = true;
  }

  /**
   * Ends a cut and a black hole: what the black hole held is delivered in order, forwarding
   * resumes, and new connections are proxied again.
   */
  public void restore() {
    cut = false;
    blackHoled = false;
    wakeNewConnections();
    wakePipes();
  }

  public boolean isCut() {
    return cut;
  }

  public boolean isBlackHoled() {
    return blackHoled;
  }

  /** Closes read from one side and not yet passed to the other, for tests of the proxy. */
  int heldCloses() {
    return (int) pipes.stream().filter(Pipe::holdsClose).count();
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
      int id = accepted.incrementAndGet();
      if (cut) {
        reset(client);
        continue;
      }
      open.add(client);
      daemon("tcp-proxy-" + port() + "-" + id + "-connect", () -> connect(client, id)).start();
    }
  }

  /**
   * Connects a new client to the target, once any black hole has ended, and starts forwarding
   * between them. Runs in its own thread, so a connection waiting out a black hole does not hold up
   * the others.
   */
  private void connect(Socket client, int id) {
    try {
      awaitNoBlackHole();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reset(client);
      return;
    }
    if (cut || closed) {
      reset(client);
      return;
    }
    Target to = target.get();
    Socket upstream = new Socket();
    try {
      upstream.connect(new InetSocketAddress(to.host(), to.port()), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      reset(upstream);
      reset(client);
      return;
    }
    open.add(upstream);
    if (cut || closed || client.isClosed()) { // cut() or close() ran while we were connecting
      reset(upstream);
      reset(client);
      return;
    }
    Link link = new Link();
    String name = "tcp-proxy-" + port() + "-" + id;
    startPipe(client, upstream, name + "-request", (buffer, n) -> springTrap(link, buffer, n));
    startPipe(upstream, client, name + "-reply", (buffer, n) -> !link.losingReplies);
  }

  private void startPipe(Socket from, Socket to, String name, Pipe.Filter filter) {
    Pipe pipe =
        new Pipe(from, to, name, () -> blackHoled && !cut && !closed, filter, this::pipeFinished);
    pipes.add(pipe);
    pipe.start();
  }

  /** One side went away, or was reset, or closed during a black hole: close both. */
  private void pipeFinished(Pipe pipe) {
    pipes.remove(pipe);
    reset(pipe.from());
    reset(pipe.to());
  }

  private void awaitNoBlackHole() throws InterruptedException {
    synchronized (blackHoleEnd) {
      while (blackHoled && !cut && !closed) {
        blackHoleEnd.wait();
      }
    }
  }

  private void wakeNewConnections() {
    synchronized (blackHoleEnd) {
      blackHoleEnd.notifyAll();
    }
  }

  /** Springs an armed trap on the request that holds its marker; forwards every request. */
  private boolean springTrap(Link link, byte[] buffer, int length) {
    Trap armed = trap.get();
    if (armed != null && armed.matches(buffer, length)) {
      synchronized (armed) {
        if (armed.sprung.getCount() > 0) {
          link.losingReplies = true; // before the request is forwarded, so before any reply
          armed.sprung.countDown();
        }
      }
    }
    return true;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
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
    wakeNewConnections();
    for (Socket s : open) {
      reset(s);
    }
    wakePipes();
  }
}
