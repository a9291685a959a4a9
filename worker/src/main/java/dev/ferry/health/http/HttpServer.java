package dev.ferry.health.http;

import dev.ferry.config.Durations;
import dev.ferry.health.http.ConnectionTable.Phase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for probes and scrapes that no client can stall.
 *
 * <p>One selector thread ({@code ferry-http-selector}) accepts connections, reads requests and
 * writes responses, all non-blocking, and enforces {@link HttpLimits}: a request must arrive in
 * full within the request timeout, an idle connection is cut after the idle timeout, and at the
 * connection limit the oldest idle connection makes room for a new one. Only complete requests
 * reach the handler, on a small bounded pool ({@code ferry-http-N}); when its queue is full the
 * request is answered 503 at once. Keep-alive and pipelined requests are served one at a time per
 * connection, in order; {@code HEAD} is answered with the headers of the {@code GET} response.
 *
 * <p>The handler is called concurrently from the pool threads and must not block for long.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final long SWEEP_MILLIS = 100;
  private static final long CLOSE_WAIT_MILLIS = 5_000;
  private static final Duration ACCEPT_PAUSE = Duration.ofSeconds(1);

  /** Builds the response to one complete request; called on the handler pool. */
  @FunctionalInterface
  public interface Handler {
    HttpResponse handle(HttpRequest request);
  }

  private final HttpLimits limits;
  private final Handler handler;
  private final Clock clock;
  private final RequestParser parser;
  private final Selector selector;
  private final ServerSocketChannel listener;
  private final InetSocketAddress boundAddress;
  private final ThreadPoolExecutor handlers;
  private final ConnectionTable<Connection> table;
  private final Queue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
  private final Thread selectorThread;
  private final SelectionKey acceptKey;
  private Instant acceptsPausedUntil; // selector thread only
  private volatile boolean running = true;

  private HttpServer(InetSocketAddress address, HttpLimits limits, Handler handler, Clock clock)
      throws IOException {
    this.limits = limits;
    this.handler = handler;
    this.clock = clock;
    this.parser = new RequestParser(limits.maxHeadBytes(), limits.maxBodyBytes());
    this.table = new ConnectionTable<>(limits);
    this.selector = Selector.open();
    try {
      listener = ServerSocketChannel.open();
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(address, 128);
      listener.configureBlocking(false);
      acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT);
      boundAddress = (InetSocketAddress) listener.getLocalAddress();
    } catch (IOException | RuntimeException e) {
      selector.close();
      throw e;
    }
    AtomicInteger threadNumber = new AtomicInteger();
    handlers =
        new ThreadPoolExecutor(
            limits.threads(),
            limits.threads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(limits.queueCapacity()),
            r -> {
              Thread t = new Thread(r, "ferry-http-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    selectorThread = new Thread(this::loop, "ferry-http-selector");
    selectorThread.setDaemon(true);
  }

  /**
   * Binds {@code address} (port 0 picks a free one) and starts serving.
   *
   * @throws IOException when the address cannot be bound
   */
  public static HttpServer start(
      InetSocketAddress address, HttpLimits limits, Handler handler, Clock clock)
      throws IOException {
    HttpServer server = new HttpServer(address, limits, handler, clock);
    server.selectorThread.start();
    return server;
  }

  /** The bound address; its port is the one picked when 0 was asked for. */
  public InetSocketAddress address() {
    return boundAddress;
  }

  /** One open connection; touched by the selector thread only. */
  private final class Connection {
    final SocketChannel channel;
    final SelectionKey key;
    final byte[] in = new byte[limits.maxHeadBytes() + 4 + limits.maxBodyBytes()];
    int inLength;
    ByteBuffer out;
    boolean closeAfterSending;

    Connection(SocketChannel channel) throws IOException {
      this.channel = channel;
      this.key = channel.register(selector, SelectionKey.OP_READ, this);
    }
  }

  private void loop() {
    try {
      while (running) {
        selector.select(SWEEP_MILLIS);
        for (Runnable task; (task = selectorTasks.poll()) != null; ) {
          guarded(task);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          guarded(() -> handle(key));
        }
        selector.selectedKeys().clear();
        table.expired(clock.instant()).forEach(this::cut);
        resumeAccepts();
      }
    } catch (IOException | RuntimeException e) {
      log.error("http server stopped: {}", e.toString(), e);
    } finally {
      for (SelectionKey key : selector.keys()) {
        if (key.attachment() instanceof Connection c) {
          close(c);
        }
      }
      quietly(listener);
      quietly(selector);
    }
  }

  /**
   * Runs one step for one connection. A connection closed by an earlier step of the same round
   * (evicted, cut) has a cancelled key; that ends its step, never the server.
   */
  private static void guarded(Runnable step) {
    try {
      step.run();
    } catch (CancelledKeyException e) {
      log.trace("http: a step for a connection closed meanwhile: {}", e.toString());
    }
  }

  private void handle(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept();
    } else if (key.attachment() instanceof Connection c) {
      if (key.isReadable()) {
        read(c);
      } else if (key.isWritable()) {
        send(c);
      }
    }
  }

  private void resumeAccepts() {
    if (acceptsPausedUntil != null && !clock.instant().isBefore(acceptsPausedUntil)) {
      acceptsPausedUntil = null;
      acceptKey.interestOps(SelectionKey.OP_ACCEPT);
    }
  }

  private void accept() {
    while (true) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (IOException e) {
        // Out of file descriptors, most likely: the server goes on serving the connections it
        // has and stops accepting for a second, rather than spinning on the pending one.
        log.warn("http: cannot accept a connection, pausing accepts for 1 s: {}", e.toString());
        acceptKey.interestOps(0);
        acceptsPausedUntil = clock.instant().plus(ACCEPT_PAUSE);
        return;
      }
      if (channel == null) {
        return;
      }
      if (table.isFull()) {
        Optional<Connection> victim = table.evictionCandidate();
        if (victim.isEmpty()) {
          log.debug("http: {} connections are all being served; refusing one", table.size());
          quietly(channel);
          continue;
        }
        log.debug("http: at {} connections; closing the oldest idle one", table.size());
        close(victim.get());
      }
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        table.enter(new Connection(channel), Phase.IDLE, clock.instant());
      } catch (IOException e) {
        quietly(channel); // the client went away while being accepted
      }
    }
  }

  private void read(Connection c) {
    int n;
    try {
      n = c.channel.read(ByteBuffer.wrap(c.in, c.inLength, c.in.length - c.inLength));
    } catch (IOException e) {
      close(c);
      return;
    }
    if (n < 0 || (n == 0 && c.inLength == c.in.length)) {
      close(c);
      return;
    }
    if (n > 0 && table.phase(c).orElse(Phase.IDLE) == Phase.IDLE) {
      table.enter(c, Phase.RECEIVING, clock.instant());
    }
    c.inLength += n;
    parse(c);
  }

  private void parse(Connection c) {
    RequestParser.Result result = parser.parse(c.in, c.inLength);
    if (result instanceof RequestParser.Invalid invalid) {
      log.debug("http: refusing a request: {} {}", invalid.status(), invalid.reason());
      respond(
          c,
          HttpResponse.json(invalid.status(), "{\"error\":" + quote(invalid.reason()) + "}"),
          false,
          false);
    } else if (result instanceof RequestParser.Complete complete) {
      System.arraycopy(c.in, complete.length(), c.in, 0, c.inLength - complete.length());
      c.inLength -= complete.length();
      serve(c, complete.request().from(remote(c)));
    }
  }

  private void serve(Connection c, HttpRequest request) {
    table.enter(c, Phase.SERVING, clock.instant());
    c.key.interestOps(0); // one request at a time; pipelined bytes wait in the buffer
    boolean head = request.method().equals("HEAD");
    boolean keepAlive = request.keepAlive();
    try {
      handlers.execute(
          () -> {
            HttpResponse response;
            try {
              response = handler.handle(request);
            } catch (RuntimeException e) {
              log.warn("http: {} {} failed: {}", request.method(), request.path(), e.toString());
              response = HttpResponse.json(500, "{\"error\":\"internal error\"}");
            }
            HttpResponse done = response;
            selectorTasks.add(() -> respond(c, done, head, keepAlive));
            selector.wakeup();
          });
    } catch (RejectedExecutionException e) {
      respond(c, HttpResponse.json(503, "{\"error\":\"busy\"}"), head, false);
    }
  }

  private void respond(Connection c, HttpResponse response, boolean head, boolean keepAlive) {
    if (table.phase(c).isEmpty()) {
      return; // closed meanwhile
    }
    c.out = ByteBuffer.wrap(response.encode(head, keepAlive));
    c.closeAfterSending = !keepAlive;
    table.enter(c, Phase.SENDING, clock.instant());
    send(c);
  }

  private void send(Connection c) {
    try {
      c.channel.write(c.out);
    } catch (IOException e) {
      close(c);
      return;
    }
    if (c.out.hasRemaining()) {
      c.key.interestOps(SelectionKey.OP_WRITE);
      return;
    }
    c.out = null;
    if (c.closeAfterSending) {
      close(c);
      return;
    }
    table.enter(c, Phase.IDLE, clock.instant());
    c.key.interestOps(SelectionKey.OP_READ);
    if (c.inLength > 0) {
      table.enter(c, Phase.RECEIVING, clock.instant());
      parse(c);
    }
  }

  private void cut(Connection c) {
    log.debug(
        "http: closing a connection from {} past its deadline ({})",
        remote(c),
        table.phase(c).orElse(null));
    close(c);
  }

  private void close(Connection c) {
    table.remove(c);
    c.key.cancel();
    quietly(c.channel);
  }

  private static String remote(Connection c) {
    try {
      return String.valueOf(c.channel.getRemoteAddress());
    } catch (IOException e) {
      return "?";
    }
  }

  private static void quietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Closing a socket the peer already dropped; nothing is left to release.
      log.trace("close failed: {}", e.toString());
    }
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * Stops accepting, closes every connection and stops the threads, waiting a few seconds for the
   * selector thread. A response being built is dropped.
   */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    handlers.shutdownNow();
    try {
      selectorThread.join(CLOSE_WAIT_MILLIS);
      handlers.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (selectorThread.isAlive()) {
      log.warn(
          "http server: the selector thread did not stop within {}",
          Durations.format(Duration.ofMillis(CLOSE_WAIT_MILLIS)));
    }
  }
}
