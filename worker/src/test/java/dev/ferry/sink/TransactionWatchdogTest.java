package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.health.Readiness;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The watchdog against a hand-driven clock and connections that record being aborted. */
class TransactionWatchdogTest {
  private final AtomicLong now = new AtomicLong();
  private final Readiness readiness = new Readiness();
  private final List<Connection> evicted = new ArrayList<>();
  private final TransactionWatchdog watchdog =
      new TransactionWatchdog(
          Duration.ofSeconds(10), Duration.ofSeconds(1), evicted::add, readiness, now::get);

  /**
   * A connection that counts calls of {@code abort}; nothing else but Object's methods may be
   * called.
   */
  private static Connection connection(AtomicInteger aborts) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "abort":
                  aborts.incrementAndGet();
                  return null;
                case "equals":
                  return proxy == args[0];
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "toString":
                  return "a connection";
                default:
                  break;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aTransactionWithinItsDeadlineAndMarginIsLeftAlone() {
    AtomicInteger aborts = new AtomicInteger();
    try (TransactionWatchdog.Watch watch = watchdog.watch(connection(aborts), () -> "batch")) {
      advance(Duration.ofSeconds(11));
      watchdog.checkOnce();

      assertThat(aborts).hasValue(0);
      assertThat(watchdog.oldestAgeSeconds()).isEqualTo(11.0);
      assertThat(readiness.isReady()).isTrue();
      watch.committed();
    }
    assertThat(watchdog.oldestAgeSeconds()).isZero();
  }

  @Test
  void aStuckTransactionIsAbortedOnceAndItsLaneIsNotReadyUntilItCommitsAgain() {
    AtomicInteger aborts = new AtomicInteger();
    Connection stuck = connection(aborts);
    TransactionWatchdog.Watch watch = watchdog.watch(stuck, () -> "batch");
    advance(Duration.ofMillis(11_001));
    watchdog.checkOnce();
    watchdog.checkOnce(); // the call has not failed yet: not aborted twice

    assertThat(aborts).hasValue(1);
    assertThat(evicted).containsExactly(stuck);
    assertThat(watchdog.aborted()).isEqualTo(1);
    assertThat(watchdog.stuckLanes()).isEqualTo(1);
    assertThat(readiness.reasons()).containsExactly(TransactionWatchdog.STUCK);
    watch.close(); // the aborted call failed
    // The aborted transaction failed; the retry runs on the same lane (thread).
    assertThat(readiness.has(TransactionWatchdog.STUCK)).isTrue();
    try (TransactionWatchdog.Watch retry = watchdog.watch(connection(aborts), () -> "batch")) {
      advance(Duration.ofSeconds(1));
      watchdog.checkOnce();
      retry.committed();
    }

    assertThat(aborts).hasValue(1);
    assertThat(watchdog.stuckLanes()).isZero();
    assertThat(readiness.isReady()).isTrue();
  }

  @Test
  void theOldestRunningTransactionIsReported() {
    AtomicInteger aborts = new AtomicInteger();
    TransactionWatchdog.Watch first = watchdog.watch(connection(aborts), () -> "a");
    advance(Duration.ofSeconds(4));
    TransactionWatchdog.Watch second = watchdog.watch(connection(aborts), () -> "b");
    advance(Duration.ofSeconds(2));
    assertThat(watchdog.oldestAgeSeconds()).isEqualTo(6.0);

    first.close();
    assertThat(watchdog.oldestAgeSeconds()).isEqualTo(2.0);
    second.close();
    assertThat(watchdog.oldestAgeSeconds()).isZero();
  }
}
