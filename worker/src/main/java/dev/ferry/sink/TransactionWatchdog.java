package dev.ferry.sink;

import dev.ferry.config.Durations;
import dev.ferry.health.Readiness;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a transaction that runs past its deadline, which the server-side timeouts cannot catch
 * when the server itself, or the path to it, has stopped answering inside a call. On its own thread
 * ({@code ferry-watchdog}) it looks at every running transaction once a second; one older than
 * {@code database.transaction-timeout} plus a margin is logged with its lane, pipelines and
 * partitions, its connection is evicted from the pool and aborted (the socket is closed, so the
 * blocked call fails as a lost connection: a transient failure, and the batch is retried), and the
 * worker reports {@value #STUCK} until that lane commits a transaction again. Thread-safe.
 */
public final class TransactionWatchdog implements AutoCloseable {
  /** The readiness reason while a lane's transaction was aborted and has not committed since. */
  public static final String STUCK = "transaction-stuck";

  private static final Logger log = LoggerFactory.getLogger(TransactionWatchdog.class);

  private final Duration deadline;
  private final long limitNanos;
  private final Consumer<Connection> evict;
  private final Readiness readiness;
  private final LongSupplier nanoTime;
  private final Set<Watch> running = ConcurrentHashMap.newKeySet();
  private final Set<String> stuckLanes = ConcurrentHashMap.newKeySet();
  private final AtomicLong aborted = new AtomicLong();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ferry-watchdog");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param deadline how long a transaction may run ({@code database.transaction-timeout})
   * @param margin how much longer the watchdog waits before it acts
   * @param evict removes a connection from the pool, so that it is closed instead of reused
   * @param nanoTime the clock ({@link System#nanoTime} outside tests)
   */
  public TransactionWatchdog(
      Duration deadline,
      Duration margin,
      Consumer<Connection> evict,
      Readiness readiness,
      LongSupplier nanoTime) {
    this.deadline = deadline;
    this.limitNanos = deadline.plus(margin).toNanos();
    this.evict = evict;
    this.readiness = readiness;
    this.nanoTime = nanoTime;
  }

  public void start() {
    thread.scheduleWithFixedDelay(this::checkOnce, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Watches the transaction the calling thread is about to run on {@code connection} until the
   * returned watch is closed. {@code what} names its pipelines and partitions; it is only called
   * when the transaction is stuck.
   */
  public Watch watch(Connection connection, Supplier<String> what) {
    Watch watch =
        new Watch(connection, what, Thread.currentThread().getName(), nanoTime.getAsLong());
    running.add(watch);
    return watch;
  }

  /** One look at every running transaction; runs on the watchdog's thread (or a test's). */
  void checkOnce() {
    long now = nanoTime.getAsLong();
    for (Watch w : running) {
      if (now - w.startedNanos > limitNanos && w.abortOnce()) {
        synchronized (stuckLanes) {
          stuckLanes.add(w.lane);
          readiness.set(STUCK, true);
        }
        aborted.incrementAndGet();
        log.error(
            "the transaction of lane {} ({}) has run for {}, past database.transaction-timeout"
                + " ({}); evicting its connection and retrying the batch",
            w.lane,
            w.what.get(),
            Durations.format(Duration.ofMillis((now - w.startedNanos) / 1_000_000)),
            Durations.format(deadline));
        abort(w.connection);
      }
    }
  }

  private void abort(Connection connection) {
    try {
      evict.accept(connection);
      // Closes the socket under the blocked call, which then fails as a lost connection.
      connection.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      log.warn("aborting a stuck connection failed: {}", e.toString());
    }
  }

  /** Lanes whose transaction was aborted and that have not committed since. */
  public int stuckLanes() {
    return stuckLanes.size();
  }

  /** Transactions aborted by the watchdog since start. */
  public long aborted() {
    return aborted.get();
  }

  /** Seconds the oldest running transaction has been running; 0 when none runs. */
  public double oldestAgeSeconds() {
    long now = nanoTime.getAsLong();
    long oldest = 0;
    for (Watch w : running) {
      oldest = Math.max(oldest, now - w.startedNanos);
    }
    return oldest / 1e9;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  /** One running transaction. Close it when the transaction ended, either way. */
  public final class Watch implements AutoCloseable {
    private final Connection connection;
    private final Supplier<String> what;
    private final String lane;
    private final long startedNanos;
    private boolean aborting;

    private Watch(Connection connection, Supplier<String> what, String lane, long startedNanos) {
      this.connection = connection;
      this.what = what;
      this.lane = lane;
      this.startedNanos = startedNanos;
    }

    private synchronized boolean abortOnce() {
      if (aborting) {
        return false;
      }
      aborting = true;
      return true;
    }

    /** The transaction committed: its lane is no longer stuck. */
    public void committed() {
      synchronized (stuckLanes) {
        if (stuckLanes.remove(lane)) {
          log.info("lane {} commits again", lane);
          readiness.set(STUCK, !stuckLanes.isEmpty());
        }
      }
    }

    @Override
    public void close() {
      running.remove(this);
    }
  }
}
